// Lint rules, including the layering rules of ARCHITECTURE.md: each layer may import only the
// layers below it, and only src/core/config.ts reads the environment.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [{ regex: `(^|/)(${forbidden.join('|')})(/|$)`, message }] },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/core/config.ts.' },
      ],
    },
  },
  {
    files: [
      'bin/**',
      'src/core/config.ts',
      'src/testing/**',
      'test/**',
      'bench/**',
      '**/*.test.ts',
      'vitest.config.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./', message: 'core depends on nothing else in src.' }] },
      ],
    },
  },
  layer(
    ['src/store/**', 'src/mapping/**', 'src/connectors/kit/**'],
    ['queue', 'engine', 'flows', 'connectors', 'api', 'cli', 'web', 'sandboxes'],
    'This layer sits below the one it imports.',
  ),
  layer(
    ['src/queue/**'],
    ['engine', 'flows', 'connectors', 'api', 'cli', 'web', 'sandboxes', 'mapping'],
    'The queue knows nothing of flows.',
  ),
  layer(
    ['src/connectors/exact-online/**', 'src/connectors/asperion/**'],
    ['store', 'queue', 'engine', 'flows', 'api', 'cli', 'web', 'sandboxes'],
    'Connectors get everything through their context and never depend on flows.',
  ),
  layer(
    ['src/workspace/**'],
    ['flows', 'api', 'cli', 'web', 'sandboxes', 'connectors'],
    'The workspace file configures what the registry knows; it imports no flows or entry points.',
  ),
  layer(
    ['src/access/**'],
    ['queue', 'engine', 'flows', 'connectors', 'api', 'cli', 'web', 'sandboxes', 'mapping', 'workspace'],
    'Users, sessions and tokens sit on the store alone; the API and the CLI use them.',
  ),
  layer(
    ['src/engine/**'],
    ['flows', 'api', 'cli', 'web', 'sandboxes'],
    'The engine runs flows it is given; it does not import them.',
  ),
  layer(
    ['src/sandboxes/**'],
    ['store', 'queue', 'engine', 'flows', 'connectors', 'api', 'cli', 'web', 'mapping'],
    'Sandboxes stand in for the outside world and share nothing with the product but core.',
  ),
  // Tests wire layers together on purpose (a client against a sandbox over a real store).
  { files: ['**/*.test.ts', 'src/testing/**'], rules: { 'no-restricted-imports': 'off' } },
);
