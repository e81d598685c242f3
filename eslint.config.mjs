// Layer rules: the folders say what a file may use, and lint refuses anything else.
import { existsSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import playwright from 'eslint-plugin-playwright';

const noElectron = {
  name: 'electron',
  message: 'Only electron/main and electron/preload may import electron.',
};
const noElectronSubpaths = {
  group: ['electron/*'],
  message: 'Only electron/main and electron/preload may import electron.',
};
const nodeBuiltins = {
  group: ['node:*'],
  message: 'This layer runs outside Node: no node:* modules here.',
};
// Bare names too ('fs', 'path', 'crypto'...): they resolve to the same Node modules as node:fs.
const bareNodeBuiltins = builtinModules
  .filter((name) => !name.startsWith('_'))
  .map((name) => ({ name, message: 'This layer runs outside Node: no Node built-in modules here.' }));
const noElectronFolder = {
  group: ['./**/electron', './**/electron/**', '../**/electron', '../**/electron/**'],
  message: 'renderer and shared never reach into electron/: what they share lives in shared/.',
};
// The site hub runs without the console (standalone on a server, or embedded): it never reaches into the core.
const noConsoleCore = {
  group: ['**/electron/core', '**/electron/core/**', '../**/core', '../**/core/**'],
  message:
    'The site hub shares only shared/ and electron/common/ with the console: it never imports electron/core.',
};
// What the console and the hub both use (logger, clock, SQLite, the site file) knows neither of them.
const commonStaysBelow = {
  group: [
    '**/electron/core',
    '**/electron/core/**',
    '../core',
    '../core/**',
    '**/electron/hub',
    '**/electron/hub/**',
    '../hub',
    '../hub/**',
    '../main',
    '../main/**',
    '../web-host',
    '../web-host/**',
    '../preload',
    '../preload/**',
  ],
  message:
    'electron/common imports only shared/ and packages: the console core and the hub build on it, not it on them.',
};

// A folder of electron/core with an index.ts is a feature: from outside its folder it is reached only through
// that index (`../alarms`, never `../alarms/service`), so its internals stay its own.
const coreDir = join(import.meta.dirname, 'electron/core');
const coreFeatures = readdirSync(coreDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(coreDir, entry.name, 'index.ts')))
  .map((entry) => entry.name);
const featureInternals = coreFeatures.map((feature) => ({
  group: [`**/${feature}/*`],
  message: `Import the ${feature} feature through its index.ts ('../${feature}'), not its internals.`,
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['electron/main/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: featureInternals }] },
  },
  {
    files: ['electron/core/**', 'electron/web-host/**', 'electron/desk/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [noElectronSubpaths, ...featureInternals] },
      ],
    },
  },
  {
    files: ['electron/common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [noElectronSubpaths, commonStaysBelow] },
      ],
    },
  },
  {
    files: ['electron/hub/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [noElectronSubpaths, noConsoleCore] },
      ],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...bareNodeBuiltins, 'react', 'react-dom'],
          patterns: [
            nodeBuiltins,
            noElectronSubpaths,
            noElectronFolder,
            { group: ['react/*', 'react-dom/*', '@mui/*'], message: 'shared is UI-free.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'process'],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...bareNodeBuiltins],
          patterns: [nodeBuiltins, noElectronSubpaths, noElectronFolder],
        },
      ],
    },
  },
  {
    // The e2e specs and their page objects: Playwright's recommended rules, with the ones that let a test pass
    // without testing anything (fixed waits, focused or skipped tests) as errors rather than warnings.
    ...playwright.configs['flat/recommended'],
    files: ['tests/e2e/**'],
    rules: {
      ...playwright.configs['flat/recommended'].rules,
      'playwright/no-wait-for-timeout': 'error',
      'playwright/no-focused-test': 'error',
      'playwright/no-skipped-test': 'error',
    },
  },
  ...rendererFeatureBoundaries(),
);

/**
 * The renderer's feature folders (renderer/features/<feature>/). Each one's index.ts is its public face: other
 * features and the app import a feature through it, never its files, so a feature can change inside freely.
 * These objects repeat the renderer's own import rules: a rule's options replace, they do not add up.
 */
function rendererFeatureBoundaries() {
  const features = [
    'system',
    'operators',
    'alarms',
    'cameras',
    'guards',
    'playbooks',
    'duty',
    'shift',
    'prefs',
    'training',
    'posts',
  ];
  const throughIndex = (feature) => ({
    group: [`../${feature}/*`, `**/features/${feature}/*`],
    message: `Import the ${feature} feature through its index.ts, not its files.`,
  });
  const refuse = (others) => [
    'error',
    { paths: [noElectron], patterns: [nodeBuiltins, ...others.map(throughIndex)] },
  ];
  return [
    ...features.map((feature) => ({
      files: [`renderer/features/${feature}/**`],
      rules: { 'no-restricted-imports': refuse(features.filter((f) => f !== feature)) },
    })),
    { files: ['renderer/app/**'], rules: { 'no-restricted-imports': refuse(features) } },
  ];
}
