/**
 * The Electron shell: app lifecycle, the console window, the IPC bridge. Everything else is in
 * electron/core and runs (and is tested) without Electron.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  screen,
  session as electronSession,
  shell,
  type BrowserWindowConstructorOptions,
  type WebFrameMain,
} from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/contract';
import { createConsoleCore, type ConsoleCore } from '../core';
import { diskFromEnv, dutyFromEnv, targetsFromEnv } from '../core/config';
import { parseConsoleArgs, pickConsoleArgs } from '../core/args';
import type { Session } from '../core/router/router';
import { createLogger } from '../core/util/log';

const here = dirname(fileURLToPath(import.meta.url));
const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(here, '../renderer/index.html');

let core: ConsoleCore | undefined;
const windows = new Set<BrowserWindow>();
const sessions = new Map<number, Session>();

/** Only our own windows' top frames, showing our own page, may call the core. */
function trustedFrame(frame: WebFrameMain | null): boolean {
  if (!frame || frame.parent) return false;
  const owner = [...windows].find((w) => !w.isDestroyed() && w.webContents.mainFrame === frame);
  if (!owner) return false;
  return ownPage(frame.url);
}

const webPreferences = (): BrowserWindowConstructorOptions['webPreferences'] => ({
  preload: join(here, '../preload/index.cjs'),
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
  spellcheck: false,
  // The wall and the alarm clocks must keep running when the window is behind another one.
  backgroundThrottling: false,
});

/** Is this URL our own console page (optionally the pop-out wall)? */
function ownPage(url: string): boolean {
  const page = url.split('#')[0] ?? '';
  return rendererUrl
    ? page.startsWith(rendererUrl)
    : decodeURIComponent(page).replace(/\\/g, '/').endsWith(rendererFile.replace(/\\/g, '/'));
}

/** The pop-out wall goes full-screen on a display other than the console's, when there is one. */
function popOutBounds(parent: BrowserWindow): BrowserWindowConstructorOptions {
  const current = screen.getDisplayMatching(parent.getBounds());
  const other = screen.getAllDisplays().find((d) => d.id !== current.id);
  const area = (other ?? current).workArea;
  return other
    ? { x: area.x, y: area.y, width: area.width, height: area.height, fullscreen: true }
    : {
        x: area.x + 40,
        y: area.y + 40,
        width: Math.min(1280, area.width - 80),
        height: Math.min(800, area.height - 80),
      };
}

function track(win: BrowserWindow): void {
  windows.add(win);
  const id = win.webContents.id;
  win.on('closed', () => {
    windows.delete(win);
    sessions.delete(id);
  });
  // No navigation away from the console; new windows only for the pop-out wall; https links go to the browser.
  win.webContents.on('will-navigate', (event, url) => {
    if (!ownPage(url)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (ownPage(url) && url.endsWith('#wall')) {
      return {
        action: 'allow',
        overrideBrowserWindowOptions: {
          ...popOutBounds(win),
          title: 'Camera wall',
          backgroundColor: '#000000',
          autoHideMenuBar: true,
          webPreferences: webPreferences(),
        },
      };
    }
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    // The call card hands a number to the desk's softphone (tel:/sip:, a setting); nothing else leaves.
    if (/^(tel|sip|sips|callto):[0-9a-zA-Z%+@.:;=_-]+$/.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('did-create-window', (child) => track(child));
}

function createConsoleWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1600,
    height: 960,
    minWidth: 1200,
    minHeight: 720,
    backgroundColor: '#0b0f14',
    title: 'Control Room Console',
    show: false,
    autoHideMenuBar: true,
    webPreferences: webPreferences(),
  });
  track(win);
  win.once('ready-to-show', () => win.show());
  if (rendererUrl) void win.loadURL(rendererUrl);
  else void win.loadFile(rendererFile);
  return win;
}

async function start(): Promise<void> {
  const args = parseConsoleArgs(pickConsoleArgs(process.argv.slice(1)));
  const dataDir = args.dataDir ?? app.getPath('userData');
  const log = createLogger({ file: join(dataDir, 'logs', 'console.log'), console: !app.isPackaged });
  core = await createConsoleCore({
    dataDir,
    sitePath: args.site,
    hub: args.hub,
    demo: { port: args.demoPort },
    osmand: args.osmand,
    carrierHint: 'ipc',
    alarmTargets: targetsFromEnv(),
    duty: dutyFromEnv(),
    disk: diskFromEnv(),
    nativeBinding: process.env.CONSOLE_SQLITE_BINDING,
    log,
  });
  const running = core;

  electronSession.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, method: unknown, input: unknown) => {
    if (!trustedFrame(event.senderFrame)) {
      log.warn('refused IPC from an untrusted frame', { url: event.senderFrame?.url });
      return {
        ok: false,
        error: { code: 'forbidden', message: 'Calls are accepted only from the console window.' },
      };
    }
    let session = sessions.get(event.sender.id);
    if (!session) {
      session = running.openSession('ipc');
      sessions.set(event.sender.id, session);
    }
    return running.router.call(method, input, session);
  });

  running.bus.subscribe((name, payload) => {
    for (const win of windows) {
      // Like the web host: events go only to windows with an operator signed in.
      if (!win.isDestroyed() && sessions.get(win.webContents.id)?.operator)
        win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    }
  });

  createConsoleWindow();
}

// Alarm tones must sound at once, not after someone happens to click the window.
app.commandLine.appendSwitch('autoplay-policy', 'no-user-gesture-required');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = [...windows][0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app
    .whenReady()
    .then(start, () => undefined)
    .catch((err: Error) => {
      dialog.showErrorBox('The console could not start', err.message);
      app.exit(1);
    });
  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !core) return;
    // Let the core close the database and stop child processes before the process ends.
    event.preventDefault();
    quitting = true;
    void core.stop().finally(() => app.quit());
  });
}
