// ESLint flat config: typescript-eslint (type-aware) for .ts, eslint-plugin-svelte for .svelte.
// `npm run lint` fails on any warning (--max-warnings 0).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  ...ts.configs.strictTypeChecked,
  ...ts.configs.stylisticTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: {
        projectService: {
          // The config files are type-checked by tsconfig.node.json, not the app's tsconfig.
          allowDefaultProject: ['*.config.js', '*.config.ts', 'scripts/*.js'],
          defaultProject: 'tsconfig.node.json',
        },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  {
    files: ['*.config.js', '*.config.ts', 'scripts/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      // Record content is untrusted text: it must never be rendered as HTML.
      'svelte/no-at-html-tags': 'error',
      // Numbers and booleans in template strings are fine; objects are not.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
