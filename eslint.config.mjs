// Typed ESLint for the whole workspace. Module boundaries on two axes (type x scope) are enforced
// here; libs/*/lint-fixtures hold deliberately illegal imports that tools/architecture proves are rejected.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';

const infraPackages = [
  'kafkajs',
  '@nestjs/*',
  'pg',
  'typeorm',
  'undici',
  'fast-jwt',
  'pino',
  '@opentelemetry/*',
];

export const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:contracts', 'type:util'],
  },
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'],
    bannedExternalImports: infraPackages,
  },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:contracts', 'type:util'] },
  {
    sourceTag: 'type:contracts',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util'],
    bannedExternalImports: infraPackages,
  },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
  { sourceTag: 'scope:command', onlyDependOnLibsWithTags: ['scope:command', 'scope:shared'] },
  { sourceTag: 'scope:projection', onlyDependOnLibsWithTags: ['scope:projection', 'scope:shared'] },
  { sourceTag: 'scope:query', onlyDependOnLibsWithTags: ['scope:query', 'scope:shared'] },
  { sourceTag: 'scope:saga', onlyDependOnLibsWithTags: ['scope:saga', 'scope:shared'] },
  { sourceTag: 'scope:registry', onlyDependOnLibsWithTags: ['scope:registry', 'scope:shared'] },
  { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:tools', 'scope:shared'] },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules',
      '**/dist',
      '.local',
      '.nx',
      'coverage',
      '**/*.cjs',
      '**/*.mjs',
      'bench/results',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['libs/*/lint-fixtures/*.ts', 'apps/*/lint-fixtures/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: true,
          checkDynamicDependenciesExceptions: [],
          depConstraints,
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests (and the end-to-end project's helpers) may use jest's loosely typed matchers (expect.any etc.).
    files: ['**/*.spec.ts', 'apps/platform-e2e/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
