import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/**
 * Starts `start:web` as a person would (`electron/web-host/cli.ts` with the built renderer) and waits for its one
 * `Console: http://127.0.0.1:PORT/?token=…` line. `output()` is everything it printed so far, for failure messages
 * and for lines that follow the URL (the OsmAnd port). `script` starts `npm start`'s launcher instead.
 */
export async function spawnWebHost(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  script = 'electron/web-host/cli.ts',
): Promise<{ url: string; process: ChildProcess; output(): string }> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, CONSOLE_SKIP_BUILD: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the web host printed no URL in ${timeoutMs / 1000} s:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^Console: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the web host exited with ${code}:\n${output}`));
    });
  });
  return { url, process: child, output: () => output };
}
