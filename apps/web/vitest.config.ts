import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'web',
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
    // The end-to-end test builds the app when its sources are newer than dist, starts Chromium
    // and fits in it: generous limits.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Each end-to-end file drives its own Chromium: one at a time on a shared machine.
    fileParallelism: false,
  },
});
