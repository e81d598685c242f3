/**
 * Issue 14: the site hub appends what is published while a write is under way in one transaction (one fsync for
 * the group), in the order it was published, gap-free; a body that fails the protocol's schema is refused alone.
 * Real SiteHub on a real SQLite file (WAL, synchronous=FULL).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { SiteHub } from '../../electron/hub/server';
import type { HubEventBody } from '../../shared/contract';
import { tempDir } from '../support/temp';

const alarm = (sourceId: string) =>
  ({
    kind: 'alarm',
    data: { sourceId, type: 'door_held', zone: 'bldg-01', cameras: [], raisedAt: 1_700_000_000_000 },
  }) as HubEventBody;

describe('site hub: publish', () => {
  let hub: SiteHub | undefined;
  let tmp: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await hub?.stop();
    tmp?.cleanup();
  });

  it('appends a burst in a few group commits, in publish order, and refuses a bad body alone', async () => {
    tmp = tempDir('hub-publish-');
    hub = new SiteHub({
      dbFile: join(tmp.dir, 'hub.sqlite'),
      token: 't',
      clock: new ManualClock(1_700_000_000_000),
      log: silentLogger,
    });
    await hub.start();
    let begins = 0;
    hub.database.on('query', (q: { sql?: string }) => {
      if (typeof q.sql === 'string' && /^BEGIN/i.test(q.sql)) begins += 1;
    });
    const bodies = Array.from({ length: 500 }, (_, i) => alarm(`a-${i}`));
    const bad = { kind: 'alarm', data: { sourceId: 42 } } as unknown as HubEventBody;
    const settled = await Promise.allSettled([
      ...bodies.slice(0, 250).map((b) => hub!.publish(b)),
      hub.publish(bad),
      ...bodies.slice(250).map((b) => hub!.publish(b)),
    ]);
    const refused = settled.filter((s) => s.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(settled[250]!.status).toBe('rejected');
    const seqs = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.seq] : []));
    expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    // The first publish starts a write; everything published meanwhile waits for the next group.
    expect(begins).toBeLessThanOrEqual(5);
    const rows = (await hub.database('hub_log').orderBy('seq').select('seq', 'body')) as {
      seq: number;
      body: string;
    }[];
    expect(rows.map((r) => (JSON.parse(r.body) as { sourceId: string }).sourceId)).toEqual(
      bodies.map((b) => (b.data as { sourceId: string }).sourceId),
    );
  });
});
