import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/support/all-clients.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/emulator/**'] } },
      {
        extends: true,
        test: {
          // What ships (the packaged functions, the built CLI) against moto: one server for the
          // run, reset per file, so files run one at a time and after the unit project.
          name: 'emulator',
          include: ['test/emulator/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts', 'test/emulator/global-setup.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
