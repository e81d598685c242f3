/**
 * The web host's supervisor: a small parent process that runs the console service (console-process.ts) as a
 * child and starts another when it dies — a native crash, the kernel's OOM killer, an uncaught error, or a
 * frozen event loop found by the watchdog — on the same port with the same page token, so open pages reconnect
 * by themselves. A stop it asked for (SIGINT/SIGTERM to the supervisor) is not restarted, and neither is a
 * configuration the user must fix.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { killOrphans, reportedPids } from '../common/children';
import {
  EXIT_CONFIG,
  type FromService,
  type Serving,
  type StartOrder,
  type ToService,
} from './service-protocol';

export interface RestartPolicy {
  /** The wait before the 1st, 2nd, … restart within `windowMs`; the last one repeats. */
  delaysMs: readonly number[];
  windowMs: number;
  /** This many unexpected stops within `windowMs` is a crash loop: wait `pauseMs` before each further try. */
  loopAfter: number;
  pauseMs: number;
}

/**
 * `CONSOLE_WATCHDOG_SEC=N`: a console service (the web host's, or the Electron shell's core process) whose event loop has not answered for N seconds is killed and
 * restarted (default 60, which a long synchronous database backup stays well under; 0 turns the watchdog off).
 */
export function watchdogFromEnv(env: Record<string, string | undefined> = process.env) {
  const raw = env.CONSOLE_WATCHDOG_SEC;
  const sec = raw === undefined || raw === '' ? 60 : Number(raw);
  if (!Number.isFinite(sec) || sec <= 0) return undefined;
  const missMs = sec * 1000;
  return { missMs, everyMs: Math.min(2000, Math.max(100, Math.round(missMs / 4))) };
}

/** Never more than 2 s before one of the first restarts; a crash loop waits 30 s so it does not hog the machine. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  delaysMs: [0, 500, 1000, 2000],
  windowMs: 60_000,
  loopAfter: 5,
  pauseMs: 30_000,
};

/** How long to wait before the next start, given when the service stopped unexpectedly (this stop included). */
export function restartDelay(
  stops: readonly number[],
  now: number,
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): { delayMs: number; crashLoop: boolean; recent: number } {
  const recent = stops.filter((at) => now - at < policy.windowMs).length;
  if (recent >= policy.loopAfter) return { delayMs: policy.pauseMs, crashLoop: true, recent };
  const delays = policy.delaysMs;
  return {
    delayMs: delays[Math.min(Math.max(recent - 1, 0), delays.length - 1)] ?? 0,
    crashLoop: false,
    recent,
  };
}

/**
 * Process groups are POSIX: on Windows `detached` would open a console window instead, and a negative pid means
 * nothing to `kill`. There the pids the service reports (common/children.ts) are all that is ended.
 */
const GROUPS = process.platform !== 'win32';

/** Whatever is left of a service's process group once it has exited: its orphaned ffmpeg children. */
export function killGroup(pid: number | undefined): void {
  if (!GROUPS || pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is empty, as after a clean stop
  }
}

const span = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/**
 * Pings a service every `everyMs` while `watching()`; one silent for more than `missMs` since its last answer is
 * frozen (an endless loop, a deadlock in native code): `frozen` is told why, once, and the watch ends. The web host's
 * supervisor and the Electron shell's core client both watch their service with it. Never keeps a process alive.
 */
export function watchdog(
  w: { everyMs: number; missMs: number },
  s: {
    watching(): boolean;
    silentFor(): number;
    ping(n: number): void;
    frozen(why: string): void;
  },
): () => void {
  let n = 0;
  const timer = setInterval(() => {
    if (!s.watching()) return clearInterval(timer);
    if (s.silentFor() > w.missMs) {
      clearInterval(timer);
      s.frozen(`not responding for ${span(w.missMs)}`);
      return;
    }
    s.ping(++n);
  }, w.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export interface SupervisorOptions {
  /** The console service's entry and the runtime flags it needs (`--import tsx`). */
  script: string;
  execArgv: string[];
  /** The command line options, passed on to every start. */
  argv: string[];
  env: NodeJS.ProcessEnv;
  token: string;
  policy?: RestartPolicy | undefined;
  /** Ping every `everyMs`; a service that has not answered for `missMs` is frozen: it is killed and restarted. */
  watchdog?: { everyMs: number; missMs: number } | undefined;
  /**
   * Keep a second service loaded and idle (it has opened nothing), so a restart skips loading the code, which is
   * most of a cold start.
   */
  spare?: boolean | undefined;
  /**
   * The spare is loaded this long after a service starts serving (default 5 s), not at the same moment: loading
   * costs a second or two of CPU that the new service and the pages reconnecting to it need more.
   */
  spareDelayMs?: number | undefined;
  /** Lines for the person at the terminal (stderr). */
  print(line: string): void;
  now?: () => number;
}

interface Service {
  proc: ChildProcess;
  loaded: boolean;
  order?: StartOrder;
  servedAt?: number;
  lastPong: number;
  exited: boolean;
  exitCode: number | null;
  /** Set when the supervisor killed it (the watchdog): the reason the restart is reported with. */
  killedFor?: string;
  /** Its ffmpeg processes as it last reported them: ended if it dies without ending them. */
  children: number[];
}

export class ConsoleSupervisor {
  /** The first start's address, or undefined when the service never started (the exit code is in `done`). */
  readonly serving: Promise<Serving | undefined>;
  /** The exit code once the supervisor has nothing left to run. */
  readonly done: Promise<number>;
  private resolveServing!: (s: Serving | undefined) => void;
  private resolveDone!: (code: number) => void;
  private active: Service | undefined;
  private spare: Service | undefined;
  private port: number | undefined;
  private osmandPort: number | undefined;
  private equipmentPorts: StartOrder['equipmentPorts'];
  private stops: number[] = [];
  private everServed = false;
  private stopping = false;
  private finished = false;
  private inCrashLoop = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly now: () => number;

  constructor(private readonly o: SupervisorOptions) {
    this.now = o.now ?? Date.now;
    this.serving = new Promise((r) => (this.resolveServing = r));
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  start(): void {
    this.launch(undefined);
  }

  /** Stops the service (and the spare) with `signal`, waits for them, and resolves `done` with the service's code. */
  async stop(signal: 'SIGINT' | 'SIGTERM'): Promise<number> {
    if (!this.stopping) {
      this.stopping = true;
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      const active = this.active;
      const [code] = await Promise.all([
        active ? this.end(active, signal) : Promise.resolve(0),
        this.spare ? this.end(this.spare, 'SIGTERM') : Promise.resolve(0),
      ]);
      this.finish(code ?? 0);
    }
    return this.done;
  }

  /** The process running the service now (tests, and the line printed for the administrator). */
  get pid(): number | undefined {
    return this.active?.proc.pid;
  }

  private launch(restarted: StartOrder['restarted']): void {
    const spare = this.spare;
    this.spare = undefined;
    const service = spare && !spare.exited ? spare : this.spawn();
    this.active = service;
    service.order = {
      type: 'start',
      argv: this.o.argv,
      token: this.o.token,
      port: this.port,
      osmandPort: this.osmandPort,
      equipmentPorts: this.equipmentPorts,
      restarted,
    };
    if (service.loaded) this.send(service, service.order);
  }

  private spawn(): Service {
    const proc = fork(this.o.script, [], {
      execArgv: this.o.execArgv,
      env: this.o.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Its own process group, which its ffmpeg children (recorders, the live gateway) join: when it dies
      // without stopping them (SIGKILL, a native crash, the watchdog), `exited` kills the group, or each crash
      // would leave its encoders and recorders running, unowned, beside the next service's.
      detached: GROUPS,
    });
    const service: Service = {
      proc,
      loaded: false,
      lastPong: this.now(),
      exited: false,
      exitCode: null,
      children: [],
    };
    proc.on('message', (m: FromService) => this.message(service, m));
    proc.once('exit', (code, signal) => this.exited(service, code, signal));
    proc.on('error', (err) => {
      // fork failed (no process, so no 'exit'), or a message could not be sent to a dying one.
      if (proc.pid === undefined) this.exited(service, null, null, `could not start: ${err.message}`);
    });
    return service;
  }

  private send(service: Service, message: ToService): void {
    if (service.exited || !service.proc.connected) return;
    try {
      service.proc.send(message);
    } catch {
      // it is dying; its exit is handled
    }
  }

  private message(service: Service, m: FromService): void {
    if (m.type === 'loaded') {
      service.loaded = true;
      if (service === this.active && service.order) this.send(service, service.order);
      if (service === this.spare) {
        this.o.print(
          `Spare console service loaded (pid ${service.proc.pid}): it takes over at once if this one stops.`,
        );
      }
    } else if (m.type === 'pong') {
      service.lastPong = this.now();
    } else if (m.type === 'children') {
      service.children = reportedPids(m.pids);
    } else if (m.type === 'serving') {
      service.servedAt = this.now();
      service.lastPong = this.now();
      this.port = m.port;
      this.osmandPort = m.osmand?.port;
      this.equipmentPorts = m.equipment?.length
        ? Object.fromEntries(m.equipment.map((e) => [e.kind, e.port]))
        : undefined;
      if (!this.everServed) {
        this.everServed = true;
        this.o.print(
          `Console service: pid ${service.proc.pid}, supervised (restarted within seconds if it stops)`,
        );
        this.resolveServing(m);
      } else {
        const stoppedAt = service.order?.restarted?.stoppedAt;
        const after = stoppedAt === undefined ? '' : `, ${this.now() - stoppedAt} ms after it stopped`;
        this.o.print(`Console service is back: pid ${service.proc.pid}${after}`);
      }
      this.watch(service);
      this.later(this.o.spareDelayMs ?? 5000, () => this.prepareSpare());
    }
  }

  private exited(service: Service, code: number | null, signal: NodeJS.Signals | null, why?: string): void {
    if (service.exited) return;
    service.exited = true;
    service.exitCode = code;
    // What it left running: its process group (POSIX), and the ffmpeg it said it had (also where there are no
    // groups: Windows). After a clean stop both are empty.
    killGroup(service.proc.pid);
    killOrphans(service.children);
    if (service === this.spare) {
      this.spare = undefined;
      // A spare that died idle is replaced, later and quietly: it only saves time at the next restart.
      if (!this.stopping) this.later(5000, () => this.prepareSpare());
      return;
    }
    if (service !== this.active || this.stopping || this.finished) return;
    this.active = undefined;
    const reason = why ?? service.killedFor ?? (signal ? `signal ${signal}` : `exit code ${code}`);
    if (code === 0 && !signal && !service.killedFor) {
      this.o.print('Console service stopped by itself; the supervisor stops too.');
      this.shutDown(0);
      return;
    }
    if (code === EXIT_CONFIG) {
      this.shutDown(EXIT_CONFIG);
      return;
    }
    if (!this.everServed) {
      // It never started: restarting would fail the same way. Its own message says why.
      this.shutDown(code ?? 1);
      return;
    }
    const at = this.now();
    this.stops = [...this.stops.filter((t) => at - t < this.policy.windowMs), at];
    const { delayMs, crashLoop, recent } = restartDelay(this.stops, at, this.policy);
    if (crashLoop) {
      if (!this.inCrashLoop) {
        this.o.print(
          `The console service stopped unexpectedly ${recent} times within ${span(this.policy.windowMs)} ` +
            `(last: ${reason}); it is now restarted only every ${span(delayMs)} until it stays up — ` +
            'see the log in the data directory (logs/current.log) for why.',
        );
      }
      this.inCrashLoop = true;
    } else {
      this.inCrashLoop = false;
      this.o.print(
        `Console service stopped unexpectedly (${reason}); restarting${delayMs ? ` in ${delayMs} ms` : ''}.`,
      );
    }
    this.later(delayMs, () => this.launch({ stoppedAt: at, reason }));
  }

  private watch(service: Service): void {
    const w = this.o.watchdog;
    if (!w) return;
    watchdog(w, {
      watching: () => !service.exited && service === this.active && !this.stopping,
      silentFor: () => this.now() - service.lastPong,
      ping: (n) => this.send(service, { type: 'ping', n }),
      frozen: (why) => {
        service.killedFor = why;
        this.o.print(`Console service has not answered for ${span(w.missMs)}: killing it.`);
        service.proc.kill('SIGKILL');
      },
    });
  }

  private prepareSpare(): void {
    if (this.o.spare && !this.stopping && !this.finished && !this.spare) this.spare = this.spawn();
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopping && !this.finished) run();
    }, ms);
    this.timers.add(timer);
  }

  private end(service: Service, signal: NodeJS.Signals): Promise<number | null> {
    return new Promise((resolve) => {
      if (service.exited) {
        resolve(service.exitCode);
        return;
      }
      // The service gives itself 10 s to stop cleanly; past that it is not going to.
      const kill = setTimeout(() => service.proc.kill('SIGKILL'), 15_000);
      service.proc.once('exit', (code) => {
        clearTimeout(kill);
        resolve(code);
      });
      service.proc.kill(signal);
    });
  }

  private shutDown(code: number): void {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const spare = this.spare;
    this.spare = undefined;
    void (spare ? this.end(spare, 'SIGTERM') : Promise.resolve(null)).then(() => this.finish(code));
  }

  private finish(code: number): void {
    if (this.finished) return;
    this.finished = true;
    this.resolveServing(undefined);
    this.resolveDone(code);
  }

  private get policy(): RestartPolicy {
    return this.o.policy ?? DEFAULT_RESTART_POLICY;
  }
}
