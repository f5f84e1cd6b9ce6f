// Lint: ESLint's and typescript-eslint's recommended rules (without type information, so it stays fast on two
// cores); formatting is Prettier's job (`npm run format`), not a lint rule.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.local/', 'coverage/', 'bench/results/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a binding kept on purpose (a destructured field left out, an unused parameter of a callback).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests load modules after setting the environment (require inside a test).
      '@typescript-eslint/no-require-imports': 'off',
      // Tests read JSON answers and templates whose shape the assertions check.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
