import { POP_OUT_AREAS, popOutAreaOf, type PopOutArea } from '../../shared/domain/windows';
import { createStore, type Store } from '../api/store';
import { openedHere, targetOrigin } from '../api/windows';

/**
 * The console window and the windows its areas pop out to (wall, map, queue), kept in step by messages between
 * them: which areas are out (so the console window leaves their panes empty instead of drawing them twice) and
 * which alarm is opened (picked in a popped-out queue or on a popped-out map, it opens in the console window's
 * incident panel). Messages go only between this origin's windows, and only between a window and the one that
 * opened it; every field is checked before it is used.
 */
const HELLO = 'console.popout';
const BYE = 'console.popout-closed';
const CLOSE = 'console.popout-close';
const SELECT = 'console.select-alarm';
/** A pop-out says it is there this often; the console window forgets one it has not heard from for 3 of these. */
const HEARTBEAT_MS = 2000;
const ALARM_ID = /^[\w.:-]{1,128}$/;

type Message = { type?: unknown; area?: unknown; id?: unknown } | null | undefined;

/** The window's own URL with the area as its hash (the query keeps the web host's token and language). */
export const popOutUrl = (area: PopOutArea) => `${window.location.pathname}${window.location.search}#${area}`;

/** This window's area when it is a pop-out, else undefined. */
export const thisPopOut = (): PopOutArea | undefined => popOutAreaOf(window.location.hash);

function selectedIdOf(data: Message): string | null | undefined {
  if (data?.type !== SELECT) return undefined;
  if (data.id === null) return null;
  return typeof data.id === 'string' && ALARM_ID.test(data.id) ? data.id : undefined;
}

/**
 * Applies the alarm opened in a peer window here, and tells the peers when it changes here. A change that came
 * from a peer is not sent back (two windows would bounce it between them).
 */
function syncSelection(
  selected: Store<string | null>,
  select: (id: string | null) => void,
  peers: () => Window[],
  accept: (source: MessageEventSource | null) => boolean,
): () => void {
  let applying = false;
  let last = selected.get();
  const off = selected.subscribe(() => {
    const id = selected.get();
    if (id === last) return;
    last = id;
    if (applying) return;
    for (const peer of peers()) peer.postMessage({ type: SELECT, id }, targetOrigin());
  });
  const onMessage = (e: MessageEvent) => {
    if (e.origin !== window.location.origin || !accept(e.source)) return;
    const id = selectedIdOf(e.data as Message);
    if (id === undefined || id === selected.get()) return;
    applying = true;
    try {
      select(id);
    } finally {
      applying = false;
    }
  };
  window.addEventListener('message', onMessage);
  return () => {
    off();
    window.removeEventListener('message', onMessage);
  };
}

/** The console window's side: the areas out in windows of their own, to open, bring back and keep in step. */
export interface PopOuts {
  /** The areas shown in a window of their own now. */
  open: Store<readonly PopOutArea[]>;
  popOut(area: PopOutArea): void;
  /** Closes the area's window; its pane comes back in the console window. */
  bringBack(area: PopOutArea): void;
  dispose(): void;
}

export function createPopOuts(alarms: {
  selected: Store<string | null>;
  select(id: string | null): void;
}): PopOuts {
  const windows = new Map<PopOutArea, { win: Window; heard: number }>();
  const open = createStore<readonly PopOutArea[]>([]);
  const publish = () => {
    const now = Date.now();
    for (const [area, w] of windows)
      if (w.win.closed || now - w.heard > 3 * HEARTBEAT_MS) windows.delete(area);
    const next = POP_OUT_AREAS.filter((a) => windows.has(a));
    const prev = open.get();
    if (next.length !== prev.length || next.some((a, i) => a !== prev[i])) open.set(next);
  };
  const onMessage = (e: MessageEvent) => {
    if (e.origin !== window.location.origin || !openedHere(e.source)) return;
    const data = e.data as Message;
    const area = typeof data?.area === 'string' ? popOutAreaOf(`#${data.area}`) : undefined;
    if (!area) return;
    // A pop-out that outlived a reload of this window finds it again with its next heartbeat.
    if (data?.type === HELLO) windows.set(area, { win: e.source, heard: Date.now() });
    else if (data?.type === BYE && windows.get(area)?.win === e.source) windows.delete(area);
    publish();
  };
  window.addEventListener('message', onMessage);
  const timer = window.setInterval(publish, HEARTBEAT_MS);
  const offSync = syncSelection(
    alarms.selected,
    (id) => alarms.select(id),
    () => [...windows.values()].map((w) => w.win).filter((w) => !w.closed),
    openedHere,
  );
  return {
    open,
    popOut(area) {
      const existing = windows.get(area)?.win;
      if (existing && !existing.closed) {
        existing.focus();
        return;
      }
      const win = window.open(popOutUrl(area), `console-${area}`, 'popup,width=1280,height=800');
      if (!win) return;
      windows.set(area, { win, heard: Date.now() });
      publish();
    },
    bringBack(area) {
      const w = windows.get(area)?.win;
      windows.delete(area);
      if (w && !w.closed) {
        // Closing works for a window this page opened; one found again after a reload closes itself when asked.
        w.postMessage({ type: CLOSE, area }, targetOrigin());
        w.close();
      }
      publish();
    },
    dispose() {
      window.removeEventListener('message', onMessage);
      window.clearInterval(timer);
      offSync();
    },
  };
}

/**
 * A pop-out's side: tells the console window it is there (now, every 2 s, and when it closes), closes itself
 * when asked, and keeps the opened alarm in step with it.
 */
export function joinConsoleWindow(
  area: PopOutArea,
  alarms: { selected: Store<string | null>; select(id: string | null): void },
): () => void {
  const opener = () => {
    const o = window.opener as Window | null;
    return o && !o.closed ? o : undefined;
  };
  const say = (type: string) => opener()?.postMessage({ type, area }, targetOrigin());
  say(HELLO);
  const timer = window.setInterval(() => say(HELLO), HEARTBEAT_MS);
  const onHide = () => say(BYE);
  const onMessage = (e: MessageEvent) => {
    const data = e.data as Message;
    if (e.origin === window.location.origin && e.source === opener() && data?.type === CLOSE) window.close();
  };
  window.addEventListener('pagehide', onHide);
  window.addEventListener('message', onMessage);
  const offSync = syncSelection(
    alarms.selected,
    (id) => alarms.select(id),
    () => {
      const o = opener();
      return o ? [o] : [];
    },
    (source) => source !== null && source === opener(),
  );
  return () => {
    window.clearInterval(timer);
    window.removeEventListener('pagehide', onHide);
    window.removeEventListener('message', onMessage);
    offSync();
  };
}
