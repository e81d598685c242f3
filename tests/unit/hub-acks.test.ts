import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { AckLedger } from '../../electron/hub/acks';
import { openHubStore } from '../../electron/hub/storage';
import { HUB_ENGINES, postgresForThisFile } from '../support/postgres';

const pg = postgresForThisFile();

describe.each(HUB_ENGINES)("the hub's record of consoles' acks (%s)", (engine) => {
  it('counts an ack before it is written, writes all consoles in one go, never goes back, and stops at close', async (ctx) => {
    if (engine === 'postgres' && !pg.available) return ctx.skip();
    const store = openHubStore(engine === 'sqlite' ? ':memory:' : await pg.database(), silentLogger);
    await store.migrate();
    const db = store.db;
    const ledger = new AckLedger(store, new ManualClock(1000), silentLogger, 60_000);
    const stored = async () =>
      (await db('hub_consoles').orderBy('console_id').select('console_id', 'acked_seq')) as unknown[];
    ledger.record('a', 5);
    ledger.record('a', 3); // an older ack arriving late changes nothing
    ledger.record('b', 7);
    expect(await ledger.acked('a')).toBe(5);
    expect(await stored()).toEqual([]); // not yet written: the timer (60 s here) has not fired
    await ledger.flush();
    expect(await stored()).toEqual([
      { console_id: 'a', acked_seq: 5 },
      { console_id: 'b', acked_seq: 7 },
    ]);
    ledger.record('a', 9);
    await ledger.close();
    expect(await ledger.acked('a')).toBe(9);
    ledger.record('a', 12); // after close: kept nowhere
    expect(await ledger.acked('a')).toBe(9);
    // A lower value written later (another hub's stale view) never lowers what is stored.
    await store.recordAcks(new Map([['a', 4]]), 2000);
    expect(await ledger.acked('a')).toBe(9);
    expect(await stored()).toEqual([
      { console_id: 'a', acked_seq: 9 },
      { console_id: 'b', acked_seq: 7 },
    ]);
    await store.close();
  });
});
