/**
 * Every test process may call every service model-medic calls, as the CLI may: tests build SDK
 * adapters directly (createSdkAdapters, createAwsSend). A Lambda entry imported by a test adds
 * its own clients, which are among these. (vitest.config.ts setupFiles.)
 */
import { installClients } from '../../shared/aws/client-loader.js';
import { ALL_CLIENTS } from '../../shared/aws/loaders/all.js';

installClients(ALL_CLIENTS);
