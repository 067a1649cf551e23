import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'hmm', include: ['src/**/*.test.ts'], setupFiles: ['../../tools/fast-check-setup.ts'], testTimeout: 60_000 },
});
