import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exclusive } from '../support/exclusive';

const name = (what: string) => `test-${what}-${process.pid}-${Date.now()}`;

describe('exclusive (the lock between e2e workers)', () => {
  it('lets one holder in at a time and the next in when it lets go', async () => {
    const key = name('order');
    const first = await exclusive(key, 10);
    let secondIn = false;
    const second = exclusive(key, 10).then((lock) => ((secondIn = true), lock));
    await new Promise((r) => setTimeout(r, 100));
    expect(secondIn).toBe(false);
    first.release();
    const lock = await second;
    expect(secondIn).toBe(true);
    expect(lock.waitedMs).toBeGreaterThan(0);
    lock.release();
  });

  it('takes over a lock whose holder died without letting go', async () => {
    const key = name('dead');
    const dir = join(tmpdir(), `control-room-exclusive-${key}.lock`);
    mkdirSync(dir);
    // A process that has ended: its pid no longer exists.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, 'pid'), String(dead));
    const lock = await exclusive(key, 10);
    expect(lock.waitedMs).toBeLessThan(5000);
    lock.release();
  });
});
