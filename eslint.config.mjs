import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

// Which process runs a project (scope) and which layer it is (type). Production code never reaches
// tooling; online reaches the offline tier only through its client library; layers point downwards.
const productionConstraints = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:online', onlyDependOnLibsWithTags: ['scope:online', 'scope:shared', 'type:client'] },
  { sourceTag: 'scope:nearline', onlyDependOnLibsWithTags: ['scope:nearline', 'scope:shared'] },
  { sourceTag: 'scope:offline', onlyDependOnLibsWithTags: ['scope:offline', 'scope:shared'] },
  { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:core', 'type:data'] },
  { sourceTag: 'type:model', onlyDependOnLibsWithTags: ['type:core', 'type:model'] },
  { sourceTag: 'type:signals', onlyDependOnLibsWithTags: ['type:core', 'type:data', 'type:model'] },
  { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:core', 'type:data', 'type:model'] },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: [
      'type:core',
      'type:data',
      'type:model',
      'type:signals',
      'type:client',
      'type:feature',
    ],
  },
  {
    sourceTag: 'type:workflows',
    onlyDependOnLibsWithTags: ['type:core', 'type:data', 'type:model', 'type:signals', 'type:client'],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:core',
      'type:data',
      'type:model',
      'type:signals',
      'type:client',
      'type:feature',
      'type:workflows',
    ],
  },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['*'] },
];
// Tests may also use the test kit, the synthetic data and the local stack.
// A test may compose the tiers it exercises (an online test with nearline processing running).
const testConstraints = productionConstraints.map((constraint) => ({
  ...constraint,
  onlyDependOnLibsWithTags: constraint.sourceTag.startsWith('scope:')
    ? ['*']
    : [...constraint.onlyDependOnLibsWithTags, 'type:feature', 'type:tooling'],
}));
const boundaries = (depConstraints, extra = {}) => ({
  enforceBuildableLibDependency: false,
  allow: [],
  depConstraints,
  ...extra,
});
const testFiles = ['**/*.test.ts', '**/*.test-support.ts', '**/test-support.ts'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', 'deploy/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      // Nx module boundaries: a scope says which process runs the code, a type what layer it is.
      '@nx/enforce-module-boundaries': ['error', boundaries(productionConstraints)],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: testFiles,
    rules: {
      // The tooling a test uses may itself use the project under test (the synthetic data set is
      // scored by the evaluation it tests): not a cycle of production code.
      '@nx/enforce-module-boundaries': [
        'error',
        boundaries(testConstraints, { ignoredCircularDependencies: [['*', 'tag:scope:tooling']] }),
      ],
    },
  },
  {
    files: ['workflows/src/**/*-pipeline.ts', 'workflows/src/all-workflows.ts', 'workflows/src/version.ts'],
    ignores: ['workflows/**/*.test.ts', 'workflows/**/*.test-support.ts'],
    rules: {
      // Workflow code is replayed: no Node APIs, no activity implementations.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'http'],
              message: 'workflow code must be deterministic',
            },
          ],
          paths: [
            {
              name: '@marquee/storage',
              message: 'workflow code orchestrates activities; it does not touch stores',
            },
            {
              name: '@marquee/kafka',
              message: 'workflow code orchestrates activities; it does not touch stores',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
  prettier,
);
