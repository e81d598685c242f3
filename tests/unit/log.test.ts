import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type LogLine } from '../../electron/common/log';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

const tick = () => new Promise((r) => setImmediate(r));

function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The rolled files in a log directory, oldest first, with their sequence numbers. */
function rolled(dir: string): { name: string; n: number }[] {
  return readdirSync(dir)
    .map((name) => ({ name, match: /^console\.\d{4}-\d\d-\d\d\.(\d+)\.log$/.exec(name) }))
    .filter((f) => f.match)
    .map((f) => ({ name: f.name, n: Number(f.match![1]) }))
    .sort((a, b) => a.n - b.n);
}

describe('the rotating log', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir('console-log-');
  });
  afterEach(() => tmp.cleanup());

  it('rolls to a new file past the size limit and deletes all but the newest few', async () => {
    const dir = join(tmp.dir, 'logs');
    const log = createLogger({ file: join(dir, 'console.log'), rotate: { maxBytes: 2000, keepFiles: 4 } });
    await until('the log file is open', () => existsSync(join(dir, 'current.log')));
    for (let i = 0; i < 300; i++) {
      log.info('camera stream restarted', { i, camera: `cam-${i % 10}`, pad: 'x'.repeat(60) });
      // pino-roll rolls on the tick after the write that crossed the limit, as it would between real events.
      await tick();
    }
    await log.close();
    // 300 lines of ~150 bytes in files of 2 kB is ~20 files: pruning must have left the newest 4.
    const files = await until('old files pruned', () => {
      const f = rolled(dir);
      return f.length === 4 ? f : undefined;
    });
    expect(files[0]!.n).toBeGreaterThan(10);
    expect(files.map((f) => f.n)).toEqual([0, 1, 2, 3].map((k) => files[0]!.n + k));
    const newest = files.at(-1)!;
    expect(readlinkSync(join(dir, 'current.log'))).toBe(newest.name);
    const lines = files.flatMap((f) =>
      readFileSync(join(dir, f.name), 'utf8')
        .split('\n')
        // The newest file is empty when the last line was the one that crossed the limit.
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as LogLine),
    );
    expect(lines.at(-1)).toMatchObject({
      level: 'info',
      scope: 'core',
      msg: 'camera stream restarted',
      i: 299,
    });
    // What is kept is the end of the story, in order and without gaps.
    const numbers = lines.map((l) => l.i as number);
    expect(numbers).toEqual(numbers.map((_, k) => numbers[0]! + k));
    for (const f of files) {
      expect(statSync(join(dir, f.name)).size).toBeLessThan(2000 + 400);
      expect(statSync(join(dir, f.name)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('keeps the Logger interface: levels, child scopes, redaction, the sink', async () => {
    const lines: LogLine[] = [];
    const file = join(tmp.dir, 'logs', 'console.log');
    const log = createLogger({ file, level: 'info', sink: (l) => lines.push(l) });
    log.debug('not at info level');
    log.child('video').child('cam-1').warn('ffmpeg said rtsp://admin:secret@10.0.0.5/h264 failed', {
      url: 'rtsp://admin:secret@10.0.0.5/h264',
    });
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    expect(() => log.error('a field that refers to itself', { circular })).not.toThrow();
    await log.close();
    expect(lines.map((l) => [l.level, l.scope, l.msg])).toEqual([
      ['warn', 'core.video.cam-1', 'ffmpeg said rtsp://***@10.0.0.5/h264 failed'],
      ['error', 'core', 'a field that refers to itself'],
    ]);
    expect(lines[0]!.url).toBe('rtsp://***@10.0.0.5/h264');
    expect(typeof lines[0]!.at).toBe('string');
    const written = readFileSync(join(tmp.dir, 'logs', 'current.log'), 'utf8');
    expect(written).toContain('core.video.cam-1');
    expect(written).not.toContain('secret');
  });

  it('a full disk never throws out of a log call; the file comes back with a line saying what was lost', async () => {
    const dir = join(tmp.dir, 'logs');
    const log0 = createLogger({ file: join(dir, 'console.log') });
    await log0.close();
    // Writing to /dev/full fails with ENOSPC, exactly like a full disk.
    const current = join(dir, `console.${today()}.1.log`);
    rmSync(current, { force: true });
    rmSync(join(dir, 'current.log'), { force: true });
    symlinkSync('/dev/full', current);
    const seen: LogLine[] = [];
    const log = createLogger({
      file: join(dir, 'console.log'),
      rotate: { retryMs: 100 },
      sink: (l) => seen.push(l),
    });
    await until('the file is opened', () => existsSync(join(dir, 'current.log')));
    for (let i = 0; i < 50; i++)
      expect(() => log.error('alarm received while the disk is full', { i })).not.toThrow();
    expect(seen).toHaveLength(50);
    // Space comes back (here: the full device goes away); the next attempt opens a real file.
    rmSync(current);
    await until('the log file is back', async () => {
      log.info('after the disk was cleaned up');
      await tick();
      return (
        existsSync(current) && statSync(current).isFile() && readFileSync(current, 'utf8').includes('lost')
      );
    });
    await log.close();
    const lines = readFileSync(current, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as LogLine);
    expect(lines[0]).toMatchObject({ level: 'warn', scope: 'log' });
    expect(lines[0]!.lost).toBeGreaterThanOrEqual(50);
    expect(String(lines[0]!.error)).toMatch(/ENOSPC|no space/i);
    expect(lines.at(-1)!.msg).toBe('after the disk was cleaned up');
  });
});
