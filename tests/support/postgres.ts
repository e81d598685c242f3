/**
 * A throwaway PostgreSQL cluster for the tests that run the hub on PostgreSQL: `initdb` into a temporary
 * directory, `postgres` on a free loopback port with its socket in that directory, fsync off (a test's data need
 * not survive a power cut; the tests that kill PostgreSQL on purpose still see a real crash and recovery). One
 * cluster per test file (`postgresForThisFile`), a fresh database per test.
 *
 * PostgreSQL refuses to run as root, and these machines (and CI) run as root: then the cluster belongs to the
 * unprivileged `postgres` user the Debian package creates, and its commands run through `runuser -u postgres --`.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { requireTool } from './tools';

const TOOLS = ['initdb', 'postgres'];

/** The directory holding initdb and postgres: on PATH (this machine: /usr/local/bin), else Debian's versioned one. */
export function findPostgresBin(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  return [...dirs, ...debian].find((d) => TOOLS.every((t) => existsSync(join(d, t))));
}

const isRoot = () => process.getuid?.() === 0;

/** The unprivileged user a root test process runs PostgreSQL as, if it exists. */
function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

export const requirePostgres = () =>
  requireTool(
    'PostgreSQL',
    findPostgresBin() !== undefined && (!isRoot() || postgresUser() !== undefined),
    'apt-get install postgresql (its initdb and postgres, and, when tests run as root, its postgres user)',
  );

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PgCluster {
  port: number;
  /** The URL of database `name` as the superuser (trust authentication on loopback). */
  url(name: string): string;
  /** A new, empty database; its URL. */
  freshDatabase(): Promise<string>;
  /** SIGKILLs the postmaster and starts it again on the same data and port (crash recovery, for real). */
  crashAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a cluster; call `requirePostgres()` first. */
export async function startPostgres(): Promise<PgCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (requirePostgres() first)');
  const dir = mkdtempSync(join(tmpdir(), 'hub-pg-'));
  const data = join(dir, 'data');
  const owner = isRoot() ? postgresUser() : undefined;
  if (isRoot() && !owner)
    throw new Error('running as root needs the postgres user (apt-get install postgresql)');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const as = (cmd: string, args: string[]): [string, string[]] =>
    owner ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
  const [initCmd, initArgs] = as('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  let server: ChildProcess | undefined;
  let output = '';
  const launch = async () => {
    const [cmd, args] = as('postgres', [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=60',
      '-c',
      'shared_buffers=16MB',
    ]);
    output = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-4000)));
    child.stderr.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-4000)));
    server = child;
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited at start:\n${output}`);
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      try {
        await client.connect();
        await client.end();
        return;
      } catch (err) {
        await client.end().catch(() => undefined);
        if (Date.now() > deadline)
          throw new Error(`postgres did not answer: ${(err as Error).message}\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  /** The postmaster's own pid (under runuser the child is runuser, which does not pass SIGKILL on). */
  const postmasterPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const halt = async (signal: NodeJS.Signals) => {
    const child = server;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    const pid = postmasterPid();
    if (pid) process.kill(pid, signal);
    else child.kill(signal);
    await exited;
  };
  await launch();
  let n = 0;
  const admin = () => new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  return {
    port,
    url: (name) => `postgres://postgres@127.0.0.1:${port}/${name}`,
    async freshDatabase() {
      const name = `t${process.pid}_${++n}`;
      const client = admin();
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async crashAndRestart() {
      await halt('SIGKILL');
      // A killed postmaster's children notice and go; the next one waits for its shared memory to be free.
      await launch();
    },
    async stop() {
      // SIGINT: PostgreSQL's fast shutdown (clients are cut off; SIGTERM would wait for them).
      await halt('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * This file's cluster, started on first use and stopped after the file's last test. Call at the file's top level;
 * `available` is false (and the caller skips) where PostgreSQL is missing outside CI.
 */
export function postgresForThisFile(): { available: boolean; database(): Promise<string> } {
  const { available } = requirePostgres();
  let cluster: Promise<PgCluster> | undefined;
  afterAll(async () => {
    if (cluster) await (await cluster).stop();
  });
  return {
    available,
    database: async () => {
      cluster ??= startPostgres();
      return (await cluster).freshDatabase();
    },
  };
}

/** The engines the hub's storage tests run on. */
export const HUB_ENGINES = ['sqlite', 'postgres'] as const;
export type HubEngineName = (typeof HUB_ENGINES)[number];
