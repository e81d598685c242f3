import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../electron/core';
import { servePort, type FromCore } from '../../electron/core/carriers/port';
import { silentLogger } from '../../electron/common/log';
import { startCore } from '../support/core';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

/** The core's side of the Electron shell's port: one session per window, bounded, malformed messages dropped. */
describe('core process port', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;
  let listener: (m: unknown) => void = () => undefined;
  const replies: { win: number; text: string }[] = [];
  let stops = 0;
  beforeEach(async () => {
    tmp = tempDir();
    core = await startCore(tmp.dir, { dbFile: ':memory:' });
    replies.length = 0;
    servePort(
      core,
      { post: (m: FromCore) => void ('win' in m && replies.push(m)), onMessage: (l) => void (listener = l) },
      silentLogger,
      () => stops++,
    );
  });
  afterEach(async () => {
    await core.stop();
    tmp.cleanup();
  });
  const call = (win: number, id: number, method: string, input: unknown = {}) =>
    listener({ win, text: JSON.stringify({ t: 'call', id, method, input }) });
  const answer = async (win: number, id: number) => {
    await until(`window ${win} call ${id} answered`, () => replies.some((r) => r.win === win), 5000);
    const r = replies.find((x) => x.win === win && (JSON.parse(x.text) as { id?: number }).id === id)!;
    return JSON.parse(r.text) as { envelope: { ok: boolean; error?: { code: string } } };
  };

  it('drops malformed messages and still answers the next good one', async () => {
    for (const bad of [
      null,
      5,
      'x',
      { win: -1, text: '{}' },
      { win: 1 },
      { win: 1, text: 7 },
      { stop: 'yes' },
    ])
      listener(bad);
    call(1, 1, 'system.info');
    expect((await answer(1, 1)).envelope.ok).toBe(true);
    expect(stops).toBe(0);
    listener({ stop: true });
    expect(stops).toBe(1);
  });

  it('signs a window in for itself only, and signs out the idlest window past 32', async () => {
    call(1, 1, 'auth.setup', { username: 'admin', name: '管理员', password: 'Night-Desk-2026' });
    expect((await answer(1, 1)).envelope.ok).toBe(true);
    call(2, 1, 'alarms.open');
    expect((await answer(2, 1)).envelope.error?.code).toBe('unauthenticated');
    for (let w = 100; w < 132; w++) call(w, 1, 'system.info');
    await until('32 more windows answered', () => replies.filter((r) => r.win >= 100).length === 32, 5000);
    // Window 1 was the idlest: its sign-in went with it.
    replies.length = 0;
    call(1, 2, 'alarms.open');
    expect((await answer(1, 2)).envelope.error?.code).toBe('unauthenticated');
  });
});
