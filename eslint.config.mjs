// ESLint for the whole repository: typescript-eslint's recommended rules, and the codebase's own format
// (2 spaces, single quotes, semicolons, trailing commas, lines up to 160 but for strings, URLs and regexes)
// enforced by @stylistic's rules instead of a reformatting tool, so the code as written is the format.
// `npm run lint`; `npm run lint:fix` fixes what can be fixed.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import stylistic from '@stylistic/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const format = {
  // Nested ternaries are written both flat and as a staircase; neither is enforced.
  '@stylistic/indent': ['error', 2, { SwitchCase: 1, flatTernaryExpressions: true, ignoredNodes: ['TemplateLiteral *', 'ConditionalExpression > ConditionalExpression'] }],
  '@stylistic/quotes': ['error', 'single', { avoidEscape: true }],
  '@stylistic/semi': ['error', 'always'],
  '@stylistic/comma-dangle': ['error', 'always-multiline'],
  '@stylistic/max-len': ['error', { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
  '@stylistic/eol-last': 'error',
  '@stylistic/no-trailing-spaces': 'error',
  '@stylistic/no-multiple-empty-lines': ['error', { max: 1, maxBOF: 0, maxEOF: 0 }],
  // `{ a }` and `[a]`. @stylistic 6 deprecates both for list-style, which would also rewrap every multi-line list.
  '@stylistic/object-curly-spacing': ['error', 'always'],
  '@stylistic/array-bracket-spacing': ['error', 'never'],
  '@stylistic/comma-spacing': 'error',
  '@stylistic/key-spacing': 'error',
  '@stylistic/keyword-spacing': 'error',
  '@stylistic/space-before-blocks': 'error',
  '@stylistic/space-infix-ops': 'error',
  '@stylistic/arrow-spacing': 'error',
  '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
  '@stylistic/member-delimiter-style': 'error',
  '@stylistic/type-annotation-spacing': 'error',
  '@stylistic/type-generic-spacing': 'error',
  '@stylistic/no-mixed-spaces-and-tabs': 'error',
  '@stylistic/no-tabs': 'error',
  '@stylistic/arrow-parens': ['error', 'always'],
  '@stylistic/space-before-function-paren': ['error', { anonymous: 'always', named: 'never', asyncArrow: 'always' }],
  '@stylistic/padded-blocks': ['error', 'never'],
  '@stylistic/semi-spacing': 'error',
  '@stylistic/space-in-parens': 'error',
  '@stylistic/block-spacing': 'error',
  '@stylistic/no-multi-spaces': ['error', { ignoreEOLComments: true }],
  '@stylistic/spaced-comment': 'error',
  '@stylistic/function-call-spacing': 'error',
  '@stylistic/no-extra-semi': 'error',
  '@stylistic/template-curly-spacing': 'error',
  '@stylistic/rest-spread-spacing': 'error',
  '@stylistic/space-unary-ops': 'error',
  '@stylistic/dot-location': ['error', 'property'],
  '@stylistic/no-whitespace-before-property': 'error',
  '@stylistic/computed-property-spacing': 'error',
  'eqeqeq': ['error', 'always', { null: 'ignore' }],
  'curly': ['error', 'multi-line'],
};

export default defineConfig(
  {
    ignores: [
      'node_modules/', 'lib/**/*.js', 'lib/**/*.d.ts', 'lib/generated/', 'assets/', 'dist/', 'coverage/',
      '**/cdk.out/', 'test/**/*.snapshot/', '.readme-check/', '.bench/',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    plugins: { '@stylistic': stylistic },
    languageOptions: { globals: globals.node },
    rules: {
      ...format,
      // The handler, the emulator and the harness read JSON and SDK shapes whose types are the wire's.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The emulator's validation patterns are AWS's own, and some allow tab, LF and CR (IAM's policy documents).
    files: ['test/emulator/**/*.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    plugins: { '@stylistic': stylistic },
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: {
      ...format,
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    plugins: { '@stylistic': stylistic },
    languageOptions: { sourceType: 'module', globals: globals.node },
    rules: format,
  },
);
