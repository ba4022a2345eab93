// What the in-process benchmarks use from the engine, bundled on the fly from the TypeScript
// sources (bench/lib/common.mjs importBundled). Only public module surfaces.
export { ACTIONS } from '../../shared/actions/registry.js';
export { memoizeReader } from '../../shared/aws/memo-reader.js';
export { RecordedAwsReader } from '../../shared/aws/recorded.js';
export { VirtualClock } from '../../shared/clock.js';
export { handleEvent } from '../../shared/engine.js';
export { compileRunbook, decide } from '../../shared/runbook/index.js';
export { loadRunbook } from '../../shared/runbook/load.js';
export { normalizeEvent } from '../../shared/signals/normalize.js';
export { MemoryStateStore } from '../../shared/state/memory.js';
