/**
 * The pop-out wall's way in: it asks the console window that opened it for a sign-in token of its own (the
 * console window's token is single-use and stays the console window's). Messages go only between windows of this
 * console's own origin, and the console window answers only windows it opened.
 */
const REQUEST = 'console.window-token?';
const ANSWER = 'console.window-token';
const WAIT_MS = 5000;

/**
 * Where a message may go: this origin. A file:// page (the Electron shell without a dev server) has no origin a
 * message can name; there the source checks below are what keeps it between the console's own windows.
 */
export const targetOrigin = () =>
  window.location.protocol === 'file:' || window.location.origin === 'null' ? '*' : window.location.origin;

type Message = { type?: unknown; token?: unknown } | null | undefined;

/** The pop-out's side: a token from the window that opened it, or undefined (none, refused, no answer in 5 s). */
export function askOpener(): Promise<string | undefined> {
  const opener = window.opener as Window | null;
  if (!opener) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const done = (token: string | undefined) => {
      window.clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(token);
    };
    const onMessage = (e: MessageEvent) => {
      const data = e.data as Message;
      if (e.source !== opener || e.origin !== window.location.origin || data?.type !== ANSWER) return;
      done(typeof data.token === 'string' ? data.token : undefined);
    };
    const timer = window.setTimeout(() => done(undefined), WAIT_MS);
    window.addEventListener('message', onMessage);
    opener.postMessage({ type: REQUEST }, targetOrigin());
  });
}

/** The console window's side: answers the windows it opened with `issue()` (undefined while it cannot). */
export function answerOpenedWindows(issue: () => Promise<string | undefined>): () => void {
  const onMessage = (e: MessageEvent) => {
    const data = e.data as Message;
    if (e.origin !== window.location.origin || data?.type !== REQUEST || !e.source) return;
    const child = e.source as Window;
    if (!openedHere(child)) return;
    void issue().then((token) => child.postMessage({ type: ANSWER, token }, targetOrigin()));
  };
  window.addEventListener('message', onMessage);
  return () => window.removeEventListener('message', onMessage);
}

/** Whether a message came from a window this one opened (one whose opener cannot be read is not ours). */
export function openedHere(source: MessageEventSource | null): source is Window {
  if (!source || !('postMessage' in source)) return false;
  try {
    return (source as Window).opener === window;
  } catch {
    return false;
  }
}
