import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'runner',
    include: ['src/**/*.test.ts'],
    setupFiles: ['../../tools/fast-check-setup.ts'],
    testTimeout: 60_000,
    // Type-level tests (*.test-d.ts) run through tsc: the typed options of fit and selectModel.
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.typecheck.json' },
  },
});
