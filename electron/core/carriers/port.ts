import { z } from 'zod';
import { MAX_FRAME_BYTES } from '../../../shared/contract';
import type { ConsoleCore } from '../console-core';
import type { Session } from '../router/router';
import type { Logger } from '../../common/log';
import { attachFrameEndpoint } from './frames';

/**
 * The carrier between the Electron shell and a core running in its own process (Electron's utility process; a
 * forked Node process in the tests). The shell owns the windows and checks which frame may call; the core owns
 * everything else. Each window is one session, and its calls and events travel as the same JSON frames the web
 * host's WebSocket carries, tagged with the window's id — so the router, the lock screen, per-window event
 * filtering and the per-window call limits are the frame endpoint's, not a second copy.
 */

/**
 * Shell → core. `close`: the window is gone (its session ends). `ping`: the shell's watchdog asks whether the
 * event loop still turns; the core answers `pong` with the same number at once.
 */
const Win = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 31);
export const ToCore = z.union([
  z.object({ win: Win, text: z.string().max(MAX_FRAME_BYTES) }),
  z.object({ win: Win, close: z.literal(true) }),
  z.object({ stop: z.literal(true) }),
  z.object({ ping: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }),
]);
export type ToCore = z.infer<typeof ToCore>;

/** Core → shell: `ready` once it serves; a frame for one window; the answer to a `ping`. */
export type FromCore =
  | { ready: true }
  | { win: number; text: string }
  | { pong: number }
  /** The core's ffmpeg processes (common/children.ts), for the shell to end if the core dies without doing so. */
  | { children: number[] };

/** What a message port looks like on either runtime: post a structured-clonable value, receive them. */
export interface PortLike {
  post(message: FromCore): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** More windows than a console desk ever opens; a shell that asks for more is refused, not obeyed. */
const MAX_WINDOWS = 32;
/** Calls one window may have running at once (the same bound the web host sets per tab). */
const MAX_PENDING = 64;

export type PortCore = Pick<ConsoleCore, 'router' | 'bus' | 'openSession' | 'closeSession'>;

/**
 * Serves the shell's windows over `port` until `stop` arrives (then `onStop` runs). Malformed messages are
 * logged and dropped; a window's endpoint is created on its first frame.
 */
export function servePort(
  core: PortCore,
  port: PortLike,
  log: Logger,
  onStop: () => void,
): { close(): void } {
  const windows = new Map<number, { session: Session; endpoint: ReturnType<typeof attachFrameEndpoint> }>();
  const closeWindow = (win: number) => {
    const w = windows.get(win);
    if (!w) return;
    windows.delete(win);
    w.endpoint.close();
    core.closeSession(w.session);
  };
  port.onMessage((raw) => {
    const parsed = ToCore.safeParse(raw);
    if (!parsed.success) {
      log.warn('dropped a malformed message from the shell', { error: parsed.error.issues[0]?.message });
      return;
    }
    const message = parsed.data;
    if ('ping' in message) {
      port.post({ pong: message.ping });
      return;
    }
    if ('stop' in message) {
      onStop();
      return;
    }
    if ('close' in message) {
      closeWindow(message.win);
      return;
    }
    let w = windows.get(message.win);
    if (w) {
      // Most recently used last: the window evicted at the cap is the one idle longest.
      windows.delete(message.win);
      windows.set(message.win, w);
    } else {
      if (windows.size >= MAX_WINDOWS) {
        // A shell that never says `close` must not lock the desk out of a new window: the idlest one goes.
        const idlest = windows.keys().next().value;
        log.warn('too many windows open: the idlest one is signed out', { windows: windows.size, idlest });
        if (idlest !== undefined) closeWindow(idlest);
      }
      const win = message.win;
      const session = core.openSession('ipc');
      const endpoint = attachFrameEndpoint({
        router: core.router,
        bus: core.bus,
        session,
        maxPending: MAX_PENDING,
        send: (text) => port.post({ win, text }),
        onBadFrame: (reason) => log.warn('bad frame from a window', { win, reason }),
      });
      w = { session, endpoint };
      windows.set(win, w);
    }
    w.endpoint.receive(message.text);
  });
  return {
    close() {
      for (const win of [...windows.keys()]) closeWindow(win);
    },
  };
}
