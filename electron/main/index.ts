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
  utilityProcess,
  type BrowserWindowConstructorOptions,
  type WebContents,
  type WebFrameMain,
} from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/contract';
import { parseConsoleArgs, pickConsoleArgs } from '../core/args';
import { createLogger, type Logger } from '../common/log';
import { CoreClient, type CoreChild } from './core-client';
import {
  APP_ORIGIN,
  APP_SCHEME,
  appFileFor,
  externalOriginsFrom,
  isAllowedExternal,
  isOwnPage,
  popOutPageArea,
} from './url-policy';

const here = dirname(fileURLToPath(import.meta.url));
const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererDir = join(here, '../renderer');
/** The https origins links may open in the system browser (a site's manuals); by default none. */
const externalOrigins = externalOriginsFrom(process.env.CONSOLE_EXTERNAL_ORIGINS);
// Packaged: no DevTools, no default menu (its View menu opens DevTools and reloads the console).
const devTools = !app.isPackaged;

let core: CoreClient | undefined;
const windows = new Set<BrowserWindow>();

/** Only our own windows' top frames, showing our own page, may call the core. */
function trustedFrame(frame: WebFrameMain | null): boolean {
  if (!frame || frame.parent) return false;
  const owner = [...windows].find((w) => !w.isDestroyed() && w.webContents.mainFrame === frame);
  if (!owner) return false;
  return isOwnPage(frame.url, rendererUrl);
}

const preload = join(here, '../preload/index.cjs');

/**
 * What a page of ours may do, in the console window and the pop-outs (wall, map, queue) alike. Electron also copies
 * the security-related ones from a window to the windows it opens.
 */
const webPreferences = {
  preload,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  // A middle click must not open anything: new windows are the pop-outs' alone.
  disableBlinkFeatures: 'Auxclick',
  devTools,
  spellcheck: false,
  // The wall and the alarm clocks must keep running when the window is behind another one.
  backgroundThrottling: false,
} satisfies BrowserWindowConstructorOptions['webPreferences'];

/**
 * A pop-out (wall, map or queue) goes full-screen on a display that holds no console window yet, so the wall
 * takes the second monitor and the map the third; with none free it opens as a window over the console's own
 * display, for the operator to drag.
 */
function popOutBounds(parent: BrowserWindow): BrowserWindowConstructorOptions {
  const taken = new Set(
    [...windows].filter((w) => !w.isDestroyed()).map((w) => screen.getDisplayMatching(w.getBounds()).id),
  );
  const current = screen.getDisplayMatching(parent.getBounds());
  const free = screen.getAllDisplays().find((d) => !taken.has(d.id));
  const area = (free ?? current).workArea;
  return free
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
    core?.closeWindow(id);
  });
  win.webContents.on('did-create-window', (child) => track(child));
}

/**
 * Every web contents the app ever makes (windows, pop-outs, anything Chromium creates) gets the same guards: no
 * navigation away from the console, no webviews, new windows only for the pop-outs (wall, map, queue), and only calls and
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
    if (popOutPageArea(url, rendererUrl)) {
      const parent = BrowserWindow.fromWebContents(contents);
      return {
        action: 'allow',
        overrideBrowserWindowOptions: {
          ...(parent ? popOutBounds(parent) : {}),
          // The page names the window in the operator's language (document.title).
          backgroundColor: '#000000',
          autoHideMenuBar: true,
          webPreferences: { ...webPreferences },
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
    // Electronegativity (`npm run lint:electron`) reads only the settings written out in `new BrowserWindow`, so the
    // ones it checks stand here again (the same values).
    webPreferences: {
      ...webPreferences,
      preload,
      contextIsolation: true,
      sandbox: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  track(win);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(rendererUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

/**
 * The core runs in a utility process of its own (core-process.ts), so a native crash or the OOM killer takes
 * down the core alone: the shell restarts it within seconds (core-client.ts) and reloads the windows, which sign
 * back in with their resume tokens and show the core's "restarted" notice.
 */
function spawnCore(argv: string[], log: Logger) {
  return (restarted?: { stoppedAt: number; reason: string }): CoreChild => {
    const child = utilityProcess.fork(join(here, 'core.js'), argv, {
      serviceName: 'Console core',
      stdio: 'inherit',
      env: { ...process.env, ...(restarted ? { CONSOLE_RESTARTED: JSON.stringify(restarted) } : {}) },
    });
    log.info('console core started', { pid: child.pid });
    return {
      post: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code, null)),
      // SIGKILL, not utilityProcess.kill()'s SIGTERM: a frozen event loop never runs the core's SIGTERM handler.
      kill: () => {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
        else child.kill();
      },
    };
  };
}

async function start(): Promise<void> {
  const argv = pickConsoleArgs(process.argv.slice(1));
  const args = parseConsoleArgs(argv);
  const dataDir = args.dataDir ?? app.getPath('userData');
  const log = createLogger({ file: join(dataDir, 'logs', 'shell', 'shell.log'), console: !app.isPackaged });
  const client = new CoreClient({
    spawn: spawnCore(args.dataDir ? argv : [...argv, '--data-dir', dataDir], log),
    deliver: (win, name, payload) => {
      const target = [...windows].find((w) => !w.isDestroyed() && w.webContents.id === win);
      target?.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    },
    onRestarted: (reason) => {
      log.warn('console core restarted; reloading the windows', { reason });
      for (const w of windows) if (!w.isDestroyed()) w.webContents.reload();
    },
    onGaveUp: (reason) => {
      dialog.showErrorBox(
        'The console could not start',
        `The console service stopped (${reason}) because of its configuration. See ${join(dataDir, 'logs')}.`,
      );
      app.exit(1);
    },
    log: (line) => log.warn(line),
  });
  core = client;
  await client.start();

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
    // The core's frame endpoint checks the method and its input; the shell only carries them.
    return client.call(event.sender.id, typeof method === 'string' ? method : '', input);
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
