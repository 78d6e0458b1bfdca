// Lint rules that keep the hexagon honest: dependencies point inward only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

const frameworkAndInfra = [
  '@nestjs/*', 'typeorm', 'pg', '@electric-sql/*', 'ioredis', 'piscina',
  'class-validator', 'class-transformer', 'reflect-metadata', 'fastify', '@fastify/*',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [], bannedExternalImports: frameworkAndInfra },
            { sourceTag: 'type:application', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: frameworkAndInfra },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:application', 'type:domain', 'type:testing'] },
            { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: ['@nestjs/core', 'typeorm', 'pg', 'ioredis', 'piscina'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:application', 'type:domain'] },
            { sourceTag: 'type:config', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:adapter', 'type:application', 'type:domain', 'type:sdk', 'type:testing', 'type:config'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:sdk', 'type:domain', 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:sdk', 'type:domain', 'type:testing', 'type:app'] },
          ],
        },
      ],
    },
  },
);
