import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'bayes-linreg', include: ['src/**/*.test.ts'], setupFiles: ['../../tools/fast-check-setup.ts'], testTimeout: 30_000 },
});
