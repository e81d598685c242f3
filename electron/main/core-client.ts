/**
 * The Electron shell's side of the core process (core-process.ts): starts it, forwards each window's calls as
 * frames and hands back results and events, and restarts it when it dies — the web host's restart policy, so
 * a crash costs seconds, and a configuration the user must fix is not retried in a loop. No `electron` import:
 * the shell passes a `spawn` that makes a utility process; the tests pass one that forks Node, so all of this
 * runs under test even though Electron cannot run here.
 */
import { createFrameTransport, type Envelope } from '../../shared/contract';
import type { ToCore } from '../core/carriers/port';
import { killOrphans, reportedPids } from '../common/children';
import {
  DEFAULT_RESTART_POLICY,
  restartDelay,
  watchdog,
  watchdogFromEnv,
  type RestartPolicy,
} from '../web-host/supervisor';
import { EXIT_CONFIG } from '../web-host/service-protocol';

/** One running core process, whatever made it. */
export interface CoreChild {
  post(message: ToCore): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Ends it at once (SIGKILL): a frozen event loop would never run a SIGTERM handler. */
  kill(): void;
}

export interface CoreClientOptions {
  /** Starts a core; `restarted` is set when this start follows an unexpected stop. */
  spawn(restarted?: { stoppedAt: number; reason: string }): CoreChild;
  /** An event for one window. */
  deliver(win: number, name: string, payload: unknown): void;
  /** A core is serving again after it died: the shell reloads the windows, which sign back in by themselves. */
  onRestarted(reason: string): void;
  /** The core will not be restarted (a configuration to fix): the shell tells the person and quits. */
  onGaveUp(reason: string): void;
  log(line: string): void;
  /** A call not answered in this long is answered `unavailable` (default 60 s: reports and backups are slow). */
  callTimeoutMs?: number;
  policy?: RestartPolicy;
  /**
   * Ping every `everyMs`; a core whose event loop has not answered for `missMs` is frozen (an endless loop, a
   * deadlock in native code) and is killed and restarted like a crashed one. Default: `CONSOLE_WATCHDOG_SEC`, as
   * for the web host (60 s); `false` turns it off.
   */
  watchdog?: { everyMs: number; missMs: number } | false;
  now?: () => number;
}

/** One window's side of the frames: the same client-side framing the page uses over its WebSocket. */
type WindowSide = ReturnType<typeof createFrameTransport>;

const unavailable = (message: string): Envelope<unknown> => ({
  ok: false,
  error: { code: 'unavailable', message },
});

export class CoreClient {
  private child: CoreChild | undefined;
  private ready = false;
  private readonly windows = new Map<number, WindowSide>();
  private readonly stops: number[] = [];
  private stopping = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private readyWaiters: (() => void)[] = [];
  private lastPong = 0;
  /** Ends the running core's watchdog. */
  private unwatch: () => void = () => undefined;
  /** Why the shell killed the running core (the watchdog), for the restart's reason. */
  private killedFor: string | undefined;
  /**
   * The running core's ffmpeg processes, as it last reported them: a core that dies without ending them (killed,
   * crashed) would leave them recording and encoding beside the next core's, and a utility process has no process
   * group to end them by.
   */
  private childPids: number[] = [];

  constructor(private readonly o: CoreClientOptions) {}

  /** Starts the first core and resolves once it serves (or rejects if it could not start at all). */
  start(): Promise<void> {
    this.launch();
    return this.whenReady();
  }

  get serving(): boolean {
    return this.ready;
  }

  /** The running core's ffmpeg processes as it last reported them (ended with it if it dies). */
  get childProcesses(): readonly number[] {
    return this.childPids;
  }

  /** One call from window `win`; always resolves with an envelope. */
  call(win: number, method: string, input: unknown): Promise<Envelope<unknown>> {
    if (!this.child || !this.ready)
      return Promise.resolve(unavailable('The console service is restarting; try again in a few seconds.'));
    const answer = this.sideOf(win).transport.invoke(method, input);
    return new Promise((resolve) => {
      const timer = setTimeout(
        () =>
          resolve(unavailable(`${method} was not answered in time; the console service may be overloaded.`)),
        this.o.callTimeoutMs ?? 60_000,
      );
      void answer.then((envelope) => {
        clearTimeout(timer);
        resolve(envelope);
      });
    });
  }

  private sideOf(win: number): WindowSide {
    let side = this.windows.get(win);
    if (!side) {
      side = createFrameTransport((text) => {
        if (!this.child) throw new Error('the console service is not running');
        this.child.post({ win, text });
      });
      side.transport.listen((name, payload) => this.o.deliver(win, name, payload));
      this.windows.set(win, side);
    }
    return side;
  }

  /** The window is gone: its session ends in the core. */
  closeWindow(win: number): void {
    this.windows.get(win)?.failPending('The window was closed.');
    this.windows.delete(win);
    if (this.ready) this.child?.post({ win, close: true });
  }

  /** Asks the core to stop (it closes the database) and waits for it, at most `limitMs`. */
  async stop(limitMs = 10_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.unwatch();
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, limitMs);
      child.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      child.post({ stop: true });
    });
  }

  private whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private launch(restarted?: { stoppedAt: number; reason: string }): void {
    const child = this.o.spawn(restarted);
    this.child = child;
    this.ready = false;
    child.onMessage((message) => this.receive(child, message, restarted));
    child.onExit((code, signal) => this.exited(child, code, signal));
  }

  private receive(child: CoreChild, message: unknown, restarted?: { reason: string }): void {
    if (child !== this.child || typeof message !== 'object' || message === null) return;
    if ('children' in message) {
      this.childPids = reportedPids(message.children);
      return;
    }
    if ('pong' in message) {
      this.lastPong = this.now();
      return;
    }
    if ('ready' in message) {
      this.ready = true;
      this.watch(child);
      for (const resolve of this.readyWaiters.splice(0)) resolve();
      if (restarted) this.o.onRestarted(restarted.reason);
      return;
    }
    const { win, text } = message as { win?: unknown; text?: unknown };
    if (typeof win === 'number' && typeof text === 'string') this.windows.get(win)?.receive(text);
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** The watchdog for one serving core: pings it, and kills it when its event loop stops answering. */
  private watch(child: CoreChild): void {
    this.unwatch();
    const w = this.o.watchdog === undefined ? watchdogFromEnv() : this.o.watchdog || undefined;
    if (!w) return;
    this.lastPong = this.now();
    this.unwatch = watchdog(w, {
      watching: () => child === this.child && !this.stopping,
      silentFor: () => this.now() - this.lastPong,
      ping: (n) => child.post({ ping: n }),
      frozen: (why) => {
        this.killedFor = why;
        this.o.log(`console core has not answered for ${Math.round(w.missMs / 1000)} s: killing it`);
        child.kill();
      },
    });
  }

  private exited(child: CoreChild, code: number | null, signal: string | null): void {
    if (child !== this.child) return;
    killOrphans(this.childPids);
    this.childPids = [];
    this.unwatch();
    this.child = undefined;
    this.ready = false;
    for (const side of this.windows.values())
      side.failPending('The console service stopped while answering; it is being restarted. Try again.');
    if (this.stopping) return;
    const reason = this.killedFor ?? (signal ? `signal ${signal}` : `exit code ${code ?? '?'}`);
    this.killedFor = undefined;
    if (code === EXIT_CONFIG) {
      this.o.log(`console core stopped (${reason}): a configuration to fix, not restarted`);
      this.o.onGaveUp(reason);
      return;
    }
    const now = this.now();
    this.stops.push(now);
    const { delayMs, crashLoop } = restartDelay(this.stops, now, this.o.policy ?? DEFAULT_RESTART_POLICY);
    this.o.log(
      `console core stopped (${reason}); restarting in ${delayMs} ms${crashLoop ? ' (it keeps failing)' : ''}`,
    );
    this.restartTimer = setTimeout(() => this.launch({ stoppedAt: now, reason }), delayMs);
  }
}
