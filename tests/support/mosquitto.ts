import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './rtsp-camera';
import { tempDir } from './temp';
import { MOSQUITTO } from './tools';
import { until } from './until';

export interface Mosquitto {
  port: number;
  url: string;
  /** What the broker wrote to stderr (its log), for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Debian's Mosquitto on a free loopback port with a config of its own (anonymous, in-memory sessions), as an
 * external broker the site hub connects to. Callers check `requireMosquitto()` first.
 */
export async function startMosquitto(extraConfig: string[] = []): Promise<Mosquitto> {
  const tmp = tempDir('mosquitto-');
  const port = await freePort();
  const conf = join(tmp.dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      ...extraConfig,
      '',
    ].join('\n'),
  );
  const bin = existsSync(MOSQUITTO) ? MOSQUITTO : 'mosquitto';
  const child: ChildProcess = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  try {
    await until('mosquitto to listen', async () => {
      if (exited) throw new Error(`mosquitto exited: ${stderr}`);
      return accepts();
    });
  } catch (err) {
    child.kill('SIGKILL');
    tmp.cleanup();
    throw err;
  }
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    log: () => stderr,
    async stop() {
      if (!exited) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await gone;
      }
      tmp.cleanup();
    },
  };
}
