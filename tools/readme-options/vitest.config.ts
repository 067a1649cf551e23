import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { defineProject } from 'vitest/config';

// The test declares options with @emkit/core's own copy of zod (the one its schemas' metadata lives in).
const fromCore = createRequire(new URL('../../packages/core/package.json', import.meta.url));

export default defineProject({
  resolve: { alias: { zod: dirname(fromCore.resolve('zod/package.json')) } },
  test: {
    name: 'readme-options',
    include: ['*.test.ts'],
  },
});
