/** Enable/disable commands (globally and per language), the status bar menu and "Show log". */
import * as vscode from 'vscode';
import { isEnabledFor, SECTION } from './config';
import type { EngineHost } from './engineHost';
import { log } from './log';
import type { StatusBar } from './statusBar';

export function registerToggles(status: StatusBar, host: EngineHost): vscode.Disposable {
  const refresh = () => {
    const lang = vscode.window.activeTextEditor?.document.languageId;
    const globallyOn = vscode.workspace.getConfiguration(SECTION).get<boolean>('enable', true);
    status.setDisabled(!globallyOn, !!lang && globallyOn && !isEnabledFor(lang));
  };
  const toggleGlobal = async () => {
    const c = vscode.workspace.getConfiguration(SECTION);
    const next = !c.get<boolean>('enable', true);
    await c.update('enable', next, vscode.ConfigurationTarget.Global);
    log().info(`completions ${next ? 'enabled' : 'disabled'} globally`);
    void vscode.window.setStatusBarMessage(`DiffCoder ${next ? 'enabled' : 'disabled'}`, 3000);
  };
  const toggleLanguage = async (languageId?: string) => {
    const lang = languageId ?? vscode.window.activeTextEditor?.document.languageId;
    if (!lang) return;
    const c = vscode.workspace.getConfiguration(SECTION);
    const list = c.get<string[]>('disabledLanguages', []);
    const disabled = list.includes(lang);
    const next = disabled ? list.filter((l) => l !== lang) : [...list, lang];
    await c.update('disabledLanguages', next, vscode.ConfigurationTarget.Global);
    log().info(`completions ${disabled ? 'enabled' : 'disabled'} for ${lang}`);
    void vscode.window.setStatusBarMessage(`DiffCoder ${disabled ? 'enabled' : 'disabled'} for ${lang}`, 3000);
  };
  const showLog = () => {
    log().show();
    void host.logWorkerStats();
  };
  const menu = async () => {
    const lang = vscode.window.activeTextEditor?.document.languageId;
    const on = vscode.workspace.getConfiguration(SECTION).get<boolean>('enable', true);
    const items: (vscode.QuickPickItem & { run: () => unknown })[] = [
      { label: on ? '$(circle-slash) Disable DiffCoder' : '$(check) Enable DiffCoder', run: toggleGlobal },
      ...(lang ? [{ label: `$(symbol-file) ${isEnabledFor(lang) ? 'Disable' : 'Enable'} for ${lang}`, run: () => toggleLanguage(lang) }] : []),
      { label: '$(edit) Edit selection with an instruction…', run: () => vscode.commands.executeCommand('diffcoder.editSelection') },
      { label: '$(pass) Fill all holes in this file', run: () => vscode.commands.executeCommand('diffcoder.fillHoles') },
      { label: '$(arrow-swap) Switch model…', run: () => vscode.commands.executeCommand('diffcoder.switchModel') },
      { label: '$(output) Show log', run: showLog },
      { label: '$(gear) Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:diffcoder.diffcoder') },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'DiffCoder' });
    await picked?.run();
  };
  refresh();
  return vscode.Disposable.from(
    vscode.commands.registerCommand('diffcoder.toggle', toggleGlobal),
    vscode.commands.registerCommand('diffcoder.toggleLanguage', toggleLanguage),
    vscode.commands.registerCommand('diffcoder.showMenu', menu),
    vscode.commands.registerCommand('diffcoder.showLog', showLog),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) refresh();
    }),
    vscode.window.onDidChangeActiveTextEditor(refresh),
  );
}
