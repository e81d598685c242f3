// Layer rules: the folders say what a file may use, and lint refuses anything else.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import playwright from 'eslint-plugin-playwright';

const noElectron = {
  name: 'electron',
  message: 'Only electron/main and electron/preload may import electron.',
};
const nodeBuiltins = {
  group: ['node:*'],
  message: 'This layer runs outside Node: no node:* modules here.',
};

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
    files: ['electron/core/**', 'electron/web-host/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, 'react', 'react-dom'],
          patterns: [
            nodeBuiltins,
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
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [nodeBuiltins] }],
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
