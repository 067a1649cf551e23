import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'examples/plugin-*', 'tools/release-check', 'tools/readme-options'],
    reporters: ['default', './tools/summary-reporter.ts'],
  },
});
