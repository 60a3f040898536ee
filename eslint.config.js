// Flat ESLint config. The point is the import boundaries of the architecture (DESIGN.md section 1):
//   renderer -> (ipc contract) -> electron, cli -> campaign -> pipeline -> scenarios, models -> sim
// Style rules stay lenient (recommended sets, noisy rules relaxed) so everyone's code passes.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';

/** Every Node built-in, bare ("fs", "fs/promises") — `node:*` is matched by a pattern below. */
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const nodePaths = (why) => nodeBuiltins.map((name) => ({ name, message: why }));
const relativeInto = (dirs) => `^(\\.\\./)+(${dirs.join('|')})(/|$)`;

/** DOM / browser globals that must not appear in the pure simulator. */
const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location', 'HTMLElement', 'requestAnimationFrame'].map(
  (name) => ({ name, message: 'sim/ is pure: no DOM (pass data in, return values).' }),
);

const simNoNode = 'sim/ is pure TypeScript: no Node built-ins (file I/O belongs in cli/, electron/, models/io/, scenarios/io/).';
const webNoNode = 'renderer/ and ipc/ run in the browser: no Node built-ins; ask main through the IPC contract.';

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.runs/**', '.gl/**', '.whl/**', 'bench/results*', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-unused-expressions': 'warn',
      '@typescript-eslint/ban-ts-comment': 'warn',
      '@typescript-eslint/no-this-alias': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'warn',
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-constant-condition': ['warn', { checkLoops: false }],
      'no-empty': ['warn', { allowEmptyCatch: true }],
      'prefer-const': 'warn',
      'no-useless-escape': 'warn',
      'no-control-regex': 'off',
      'no-cond-assign': ['error', 'except-parens'],
      'no-fallthrough': 'warn',
      'no-case-declarations': 'warn',
      'no-prototype-builtins': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    rules: { 'prefer-const': 'off' }, // `let { a } = $props()` is the Svelte 5 idiom
  },
  // sim/: pure, deterministic, knows nothing above it.
  {
    files: ['sim/**/*.{ts,js,mjs}'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-globals': ['error', ...domGlobals],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodePaths(simNoNode),
            { name: 'electron', message: 'sim/ may not import electron.' },
            { name: 'svelte', message: 'sim/ may not import svelte.' },
            ...['ws', 'piscina'].map((name) => ({ name, message: 'sim/ may not import process-level packages.' })),
          ],
          patterns: [
            { group: ['node:*'], message: simNoNode },
            { group: ['electron/*', 'svelte/*', '@sveltejs/*', '@xyflow/*'], message: 'sim/ may not import UI or Electron packages.' },
            { regex: relativeInto(['models', 'scenarios', 'pipeline', 'electron', 'renderer', 'ipc', 'cli', 'campaign', 'bench']), message: 'sim/ is the bottom layer: it may not import the layers above it.' },
          ],
        },
      ],
    },
  },
  // The layers between the shells and sim/: each imports only downward
  // (cli, electron -> campaign -> pipeline -> scenarios, models -> sim).
  ...[
    { dir: 'models', above: ['pipeline', 'campaign', 'cli', 'electron', 'renderer', 'ipc', 'bench'] },
    { dir: 'scenarios', above: ['pipeline', 'campaign', 'cli', 'electron', 'renderer', 'ipc', 'bench'] },
    { dir: 'pipeline', above: ['campaign', 'cli', 'electron', 'renderer', 'ipc', 'bench'] },
    { dir: 'campaign', above: ['cli', 'electron', 'renderer', 'ipc', 'bench'] },
    { dir: 'cli', above: ['electron', 'renderer', 'bench'] },
  ].map(({ dir, above }) => ({
    files: [`${dir}/**/*.{ts,js,mjs}`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: relativeInto(above), message: `${dir}/ may not import ${above.join(', ')}: dependencies point down (renderer -> ipc -> electron, cli -> campaign -> pipeline -> scenarios, models -> sim).` }],
      }],
    },
  })),
  // renderer/ and ipc/: browser code. The renderer reaches the rest only through ipc/.
  {
    files: ['renderer/**/*.{ts,js,svelte}', 'ipc/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodePaths(webNoNode),
            { name: 'electron', message: 'The renderer talks to main only through window.faultline (ipc/contract.ts).' },
            ...['ws', 'piscina', 'commander', 'cli-progress'].map((name) => ({ name, message: webNoNode })),
          ],
          patterns: [
            { group: ['node:*'], message: webNoNode },
            { group: ['electron/*'], message: webNoNode },
            { regex: relativeInto(['sim', 'electron', 'models', 'scenarios', 'cli', 'campaign', 'bench']), message: 'renderer/ and ipc/ may import only ipc/ (the contract), never main-process code.' },
          ],
        },
      ],
    },
  },
);
