import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp';
import { spawnWebHost } from '../support/web-host-process';

describe('npm start on a machine without Electron runtime', () => {
  const tmp = tempDir('console-start-');
  const noRuntime = tempDir('console-no-electron-');
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    tmp.cleanup();
    noRuntime.cleanup();
  });

  it('explains it in one sentence, without a stack trace, and serves the console to a browser', async () => {
    const host = await spawnWebHost(
      ['--data-dir', tmp.dir, '--osmand-port', '0'],
      {
        // No runtime where the launcher looks, and a download that fails at once (a closed loopback port)
        // instead of depending on whether this machine can reach GitHub.
        ELECTRON_OVERRIDE_DIST_PATH: noRuntime.dir,
        ELECTRON_MIRROR: 'http://127.0.0.1:9/',
        CONSOLE_SPARE: '0',
      },
      60_000,
      'electron/web-host/launch.ts',
    );
    child = host.process;
    const lines = host.output().split('\n');
    expect(
      lines.filter((l) => /^\s+at /.test(l)),
      host.output(),
    ).toEqual([]);
    const sentences = lines.filter((l) => l.startsWith("Electron's runtime is not installed"));
    expect(sentences, host.output()).toHaveLength(1);
    const sentence = sentences[0]!;
    expect(sentence).toContain('npm run start:web');
    expect(sentence).toContain('node node_modules/electron/install.js');
    // One sentence, ending the line (the installer's reason sits in brackets inside it).
    expect(sentence.trimEnd().endsWith('.')).toBe(true);
    expect(lines.some((l) => /Error:/.test(l) && !l.startsWith("Electron's runtime"))).toBe(false);
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  }, 90_000);
});
