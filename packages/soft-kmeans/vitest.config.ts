import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'soft-kmeans', include: ['src/**/*.test.ts'], setupFiles: ['../../tools/fast-check-setup.ts'], testTimeout: 30_000 },
});
