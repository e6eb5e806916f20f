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
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'web/dist/**',
      'web/src/api/schema.gen.ts',
    ],
  },
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
  // Product code never imports the test harnesses (they are not built); every layer below repeats
  // 'testing' because a later block replaces this rule rather than adding to it.
  layer(['src/**'], ['testing'], 'Test harnesses live in src/testing and are not shipped.'),
  layer(
    ['src/store/**'],
    [
      'queue',
      'engine',
      'flows',
      'connectors',
      'mapping',
      'workspace',
      'access',
      'api',
      'cli',
      'web',
      'sandboxes',
      'testing',
    ],
    'The store sits below every other layer but core.',
  ),
  layer(
    ['src/mapping/**', 'src/connectors/kit/**'],
    [
      'queue',
      'engine',
      'flows',
      'connectors',
      'workspace',
      'access',
      'api',
      'cli',
      'web',
      'sandboxes',
      'testing',
    ],
    'This layer sits below the one it imports.',
  ),
  layer(
    ['src/queue/**'],
    ['engine', 'flows', 'connectors', 'api', 'cli', 'web', 'sandboxes', 'mapping', 'testing'],
    'The queue knows nothing of flows.',
  ),
  layer(
    ['src/connectors/exact-online/**', 'src/connectors/asperion/**'],
    ['store', 'queue', 'engine', 'flows', 'api', 'cli', 'web', 'sandboxes', 'testing'],
    'Connectors get everything through their context and never depend on flows.',
  ),
  layer(
    ['src/workspace/**'],
    ['flows', 'api', 'cli', 'web', 'sandboxes', 'connectors', 'testing'],
    'The workspace file configures what the registry knows; it imports no flows or entry points.',
  ),
  layer(
    ['src/access/**'],
    [
      'queue',
      'engine',
      'flows',
      'connectors',
      'api',
      'cli',
      'web',
      'sandboxes',
      'mapping',
      'workspace',
      'testing',
    ],
    'Users, sessions and tokens sit on the store alone; the API and the CLI use them.',
  ),
  layer(
    ['src/engine/**'],
    ['flows', 'api', 'cli', 'web', 'sandboxes', 'testing', 'exact-online', 'asperion'],
    'The engine runs flows and connectors it is given (through connectors/kit); it imports none of them.',
  ),
  // A flow kind reads its source and writes its target through connectors, maps with mapping and
  // runs inside the engine; the store it sees only as types (the engine hands it what it needs).
  {
    files: ['src/flows/**'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(queue|workspace|access|api|cli|web|sandboxes|testing)(/|$)',
              message:
                'A flow kind uses connectors, mapping and the engine; entry points and services above them are not its business.',
            },
            {
              regex: '(^|/)store(/|$)',
              allowTypeImports: true,
              message: 'A flow kind may name store types, but reads and writes through the engine.',
            },
          ],
        },
      ],
    },
  },
  layer(
    ['src/api/**'],
    ['cli', 'web', 'sandboxes', 'testing'],
    'The HTTP API sits on top of the product; it does not start the CLI or the sandboxes.',
  ),
  layer(
    ['src/cli/**'],
    ['web', 'sandboxes', 'testing'],
    'The CLI sits on top; only the demo and sandbox commands start sandboxes, on purpose.',
  ),
  // The demo and `koppel sandbox` start the sandboxes on purpose (so the sandboxes ship).
  layer(
    ['src/cli/demo/**', 'src/cli/commands/sandbox.ts'],
    ['web', 'testing'],
    'The demo and sandbox commands may start sandboxes, but never import test harnesses.',
  ),
  layer(
    ['src/sandboxes/**'],
    ['store', 'queue', 'engine', 'flows', 'connectors', 'api', 'cli', 'web', 'mapping', 'testing'],
    'Sandboxes stand in for the outside world and share nothing with the product but core.',
  ),
  // Tests wire layers together on purpose (a client against a sandbox over a real store).
  {
    files: ['**/*.test.ts', 'src/testing/**'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': 'off' },
  },
  // The web app runs in the browser and knows Koppel only through its HTTP API (the generated types).
  {
    files: ['web/**'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', location: 'readonly', fetch: 'readonly' },
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./\\.\\./(src|test|bench|scripts)(/|$)|^(\\.\\./)+src/',
              message: 'The web app talks to Koppel over its API only; it imports no server code.',
            },
          ],
        },
      ],
    },
  },
);
