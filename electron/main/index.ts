/**
 * The Electron shell: app lifecycle, the console window, the IPC bridge. Everything else is in
 * electron/core and runs (and is tested) without Electron.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  protocol,
  screen,
  session as electronSession,
  shell,
  type BrowserWindowConstructorOptions,
  type WebContents,
  type WebFrameMain,
} from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/contract';
import { type ConsoleCore } from '../core';
import { createDesk } from '../desk';
import { diskFromEnv, dutyFromEnv, targetsFromEnv } from '../core/config';
import { parseConsoleArgs, pickConsoleArgs } from '../core/args';
import { receivesEvent, type Session } from '../core/router/router';
import { createLogger, type Logger } from '../common/log';
import {
  APP_ORIGIN,
  APP_SCHEME,
  appFileFor,
  externalOriginsFrom,
  isAllowedExternal,
  isOwnPage,
  isWallPage,
} from './url-policy';

const here = dirname(fileURLToPath(import.meta.url));
const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererDir = join(here, '../renderer');
/** The https origins links may open in the system browser (a site's manuals); by default none. */
const externalOrigins = externalOriginsFrom(process.env.CONSOLE_EXTERNAL_ORIGINS);
// Packaged: no DevTools, no default menu (its View menu opens DevTools and reloads the console).
const devTools = !app.isPackaged;

let core: ConsoleCore | undefined;
const windows = new Set<BrowserWindow>();
const sessions = new Map<number, Session>();

/** Only our own windows' top frames, showing our own page, may call the core. */
function trustedFrame(frame: WebFrameMain | null): boolean {
  if (!frame || frame.parent) return false;
  const owner = [...windows].find((w) => !w.isDestroyed() && w.webContents.mainFrame === frame);
  if (!owner) return false;
  return isOwnPage(frame.url, rendererUrl);
}

const preload = join(here, '../preload/index.cjs');

/**
 * What a page of ours may do, for the pop-out wall. The console window lists the same settings in its constructor,
 * where Electronegativity (`npm run lint:electron`) can see them; keep the two equal. Electron also copies the
 * security-related ones from a window to the windows it opens.
 */
const wallPreferences = (): BrowserWindowConstructorOptions['webPreferences'] => ({
  preload,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  disableBlinkFeatures: 'Auxclick',
  devTools,
  spellcheck: false,
  backgroundThrottling: false,
});

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
    const session = sessions.get(id);
    if (session) core?.closeSession(session);
    sessions.delete(id);
  });
  win.webContents.on('did-create-window', (child) => track(child));
}

/**
 * Every web contents the app ever makes (windows, pop-outs, anything Chromium creates) gets the same guards: no
 * navigation away from the console, no webviews, new windows only for the pop-out wall, and only calls and
 * allow-listed https pages handed to the operating system.
 */
function guard(contents: WebContents, log: Logger): void {
  const stay = (event: { preventDefault(): void }, url: string) => {
    if (isOwnPage(url, rendererUrl)) return;
    event.preventDefault();
    log.warn('blocked navigation away from the console', { url: url.slice(0, 200) });
  };
  contents.on('will-navigate', stay);
  contents.on('will-redirect', stay);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('blocked a webview');
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isWallPage(url, rendererUrl)) {
      const parent = BrowserWindow.fromWebContents(contents);
      return {
        action: 'allow',
        overrideBrowserWindowOptions: {
          ...(parent ? popOutBounds(parent) : {}),
          title: 'Camera wall',
          backgroundColor: '#000000',
          autoHideMenuBar: true,
          webPreferences: wallPreferences(),
        },
      };
    }
    // The call card hands a number to the desk's softphone (tel:/sip:, a setting); nothing else leaves but the
    // https origins the site allowed.
    if (isAllowedExternal(url, externalOrigins)) void shell.openExternal(url);
    else log.warn('blocked a new window', { url: url.slice(0, 200) });
    return { action: 'deny' };
  });
}

/**
 * The renderer's files, served as app://console/… (a standard, secure origin: storage and `'self'` in the CSP
 * work as on the web, and no page gets file:// privileges). Only files under out/renderer are served.
 */
function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = appFileFor(request.url, rendererDir);
    if (!file || request.method !== 'GET') return new Response('Not found', { status: 404 });
    try {
      const response = await net.fetch(pathToFileURL(file).toString());
      const headers = new Headers(response.headers);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(response.body, { status: response.status, headers });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
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
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // A middle click must not open anything: new windows are the pop-out wall's alone.
      disableBlinkFeatures: 'Auxclick',
      devTools,
      spellcheck: false,
      // The wall and the alarm clocks must keep running when the window is behind another one.
      backgroundThrottling: false,
    },
  });
  track(win);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(rendererUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

async function start(): Promise<void> {
  const args = parseConsoleArgs(pickConsoleArgs(process.argv.slice(1)));
  const dataDir = args.dataDir ?? app.getPath('userData');
  const log = createLogger({ file: join(dataDir, 'logs', 'console.log'), console: !app.isPackaged });
  core = await createDesk({
    dataDir,
    sitePath: args.site,
    hub: args.hub,
    demo: {
      port: args.demoPort,
      dc09Port: args.equipmentPorts?.dc09,
      gb26875Port: args.equipmentPorts?.gb26875,
      mqttPort: args.equipmentPorts?.mqtt,
    },
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
  if (!rendererUrl) serveRenderer();
  app.on('web-contents-created', (_event, contents) => guard(contents, log));
  if (app.isPackaged) Menu.setApplicationMenu(null);

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, method: unknown, input: unknown) => {
    if (!trustedFrame(event.senderFrame)) {
      log.warn('refused IPC from an untrusted frame', { url: event.senderFrame?.url?.slice(0, 200) });
      return {
        ok: false,
        error: { code: 'forbidden', message: 'Calls are accepted only from the console window.' },
      };
    }
    let session = sessions.get(event.sender.id);
    if (!session) {
      const sender = event.sender;
      // The core tells this window alone when it ends its sign-in (an account change, a sign-out elsewhere).
      session = running.openSession('ipc', null, {
        push: (name, payload) => {
          if (!sender.isDestroyed()) sender.send(IPC_EVENT_CHANNEL, name, payload);
        },
      });
      sessions.set(event.sender.id, session);
    }
    return running.router.call(method, input, session);
  });

  running.bus.subscribe((name, payload) => {
    for (const win of windows) {
      // Like the web host: nothing to a signed-out window, the alarm side only to a locked one.
      const session = sessions.get(win.webContents.id);
      if (!win.isDestroyed() && session && receivesEvent(session, name))
        win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    }
  });

  createConsoleWindow();
}

// Before the app is ready, or Chromium does not treat app:// as a real origin (storage, CSP 'self', fetch).
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
  },
]);

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
