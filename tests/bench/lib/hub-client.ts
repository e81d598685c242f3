/** Drives tests/bench/lib/alarm-hub-process.ts (the benchmark's site hub, in its own process) over IPC. */
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HubCommand, HubDbStats, HubReply, PublishReport } from './alarm-hub-process';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class HubProcess {
  private child: ChildProcess;
  private next = 1;
  private waiting = new Map<number, { resolve(r: HubReply): void; reject(e: Error): void }>();
  private exited: Promise<void>;

  constructor() {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'alarm-hub-process.ts');
    this.child = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (raw: unknown) => {
      const reply = raw as HubReply;
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      w?.resolve(reply);
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        for (const w of this.waiting.values())
          w.reject(new Error(`the hub process exited (${code ?? signal}) during a command`));
        this.waiting.clear();
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  private async call(cmd: DistributiveOmit<HubCommand, 'id'>): Promise<HubReply & { ok: true }> {
    const id = this.next++;
    const reply = await new Promise<HubReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...cmd, id } as HubCommand);
    });
    if (!reply.ok) throw new Error(`hub process: ${reply.error}`);
    return reply;
  }

  async start(dbFile: string, token: string, port?: number): Promise<string> {
    return (await this.call({ op: 'start', dbFile, token, ...(port ? { port } : {}) })).url!;
  }

  async paced(
    prefix: string,
    rate: number,
    durationMs: number,
    seed: number,
    withLocation = true,
  ): Promise<PublishReport> {
    return (await this.call({ op: 'paced', prefix, rate, durationMs, seed, withLocation })).report!;
  }

  async burst(prefix: string, n: number, seed: number, withLocation = true): Promise<PublishReport> {
    return (await this.call({ op: 'burst', prefix, n, seed, withLocation })).report!;
  }

  /** Fills the log in `dbFile` with `n` low-priority alarms while the hub is stopped. */
  async backlog(dbFile: string, prefix: string, n: number): Promise<void> {
    await this.call({ op: 'backlog', dbFile, prefix, n });
  }

  /** Publishes one fire alarm; its publish time (hub process clock = this machine's) and sequence. */
  async fire(sourceId: string): Promise<{ publishedAt: number; seq: number }> {
    return (await this.call({ op: 'fire', sourceId })).fire!;
  }

  async stopHub(): Promise<void> {
    await this.call({ op: 'stop' });
  }

  /** Statement times of the hub's own database since the last call (or the hub's start). */
  async dbStats(): Promise<HubDbStats> {
    return (await this.call({ op: 'dbStats' })).dbStats!;
  }

  async cpuMs(): Promise<number> {
    return (await this.call({ op: 'cpu' })).cpuMs!;
  }

  /** Stops the hub and the process; SIGKILL after 5 s if it does not go. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
