import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'distributed', include: ['src/**/*.test.ts'], setupFiles: ['../../tools/fast-check-setup.ts'], testTimeout: 120_000, hookTimeout: 60_000 },
});
