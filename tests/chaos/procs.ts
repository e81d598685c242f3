/** The chaos runs' child processes: started with tsx from the repository root, ready on a line they print. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/**
 * `CHILD_NODE_FLAGS` (space-separated) goes before the script, for looking inside a run: e.g.
 * `CHILD_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof'` (NODE_OPTIONS does not take --cpu-prof).
 */
const childFlags = (process.env['CHILD_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);

export function launch(args: string[], ready: RegExp, timeoutMs = 30_000): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...childFlags, '--import', 'tsx', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolveChild, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolveChild(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) =>
      reject(new Error(`${args[0]} exited (${code}) before it was ready:\n${out}`)),
    );
  });
}

export async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}
