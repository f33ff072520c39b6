// Lint rules: typescript-eslint's type-aware recommended set. Type errors are
// tsc's job (make check runs both).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // the packed-tarball consumer is compiled by make test-package, in its own project
  { ignores: ['dist/', 'node_modules/', '.data/', '.tap/', 'test/package/consumer.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // tap tracks its own subtests: a top-level t.test() needs no await, and
    // test callbacks are async by convention even when they do not await.
    files: ['test/**/*.test.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['eslint.config.js', 'migrations/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { URL: 'readonly' } },
  },
  {
    // the dashboard's script runs in the browser as a classic script
    files: ['dashboard/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: Object.fromEntries(
        ['document', 'location', 'history', 'sessionStorage', 'fetch', 'URL', 'URLSearchParams', 'Node', 'setTimeout', 'console', 'uPlot']
          .map((name) => [name, 'readonly']),
      ),
    },
  },
);
