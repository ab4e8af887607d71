// @vscode/test-cli: the desktop VS Code (Electron) variant of the e2e scenarios, for machines that can
// download VS Code. test/e2e/electron.test.ts bundles test/e2e-electron/*.test.ts to out/e2e-electron/
// and runs this; where VS Code cannot be downloaded it says so and skips (the code-server suite,
// test/e2e/vscode.test.ts, always runs).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'e2e-electron',
  files: 'out/e2e-electron/**/*.test.js',
  version: process.env.DIFFCODER_VSCODE_VERSION ?? 'stable',
  workspaceFolder: process.env.DIFFCODER_E2E_WORKSPACE ?? 'build/e2e-electron/workspace',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  env: { DIFFCODER_MODEL_DIR: process.env.DIFFCODER_MODEL_DIR ?? '' },
  mocha: { ui: 'bdd', timeout: 180_000 },
});
