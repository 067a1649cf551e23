// ESLint (flat config) with typescript-eslint's recommended rules, over every package, app,
// example, benchmark and tool. `pnpm lint` runs it; `pnpm test` runs `pnpm lint` first.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.d.ts', 'packages/linalg/assembly/**', 'apps/web/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        // Node and browser globals the code uses (it runs in both).
        process: 'readonly', console: 'readonly', performance: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', queueMicrotask: 'readonly', structuredClone: 'readonly',
        URL: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly',
        MessageChannel: 'readonly', SharedArrayBuffer: 'readonly', Atomics: 'readonly', WebAssembly: 'readonly', Buffer: 'readonly',
        globalThis: 'readonly', self: 'readonly', window: 'readonly', document: 'readonly', navigator: 'readonly', location: 'readonly',
        Worker: 'readonly', Blob: 'readonly', fetch: 'readonly', Response: 'readonly', Event: 'readonly', EventTarget: 'readonly',
        crossOriginIsolated: 'readonly', requestAnimationFrame: 'readonly', HTMLElement: 'readonly', HTMLInputElement: 'readonly',
        File: 'readonly', FileReader: 'readonly', DOMException: 'readonly', BigInt: 'readonly',
      },
    },
    rules: {
      // `_name` marks a value left out on purpose (`const { params: _params, ...rest } = r`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
