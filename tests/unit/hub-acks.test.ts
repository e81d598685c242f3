import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../electron/common/clock';
import { createKnex } from '../../electron/common/database';
import { silentLogger } from '../../electron/common/log';
import { AckLedger } from '../../electron/hub/acks';
import { ensureHubSchema } from '../../electron/hub/server';

describe("the hub's record of consoles' acks", () => {
  it('counts an ack before it is written, writes all consoles in one go, never goes back, and stops at close', async () => {
    const db = createKnex(':memory:');
    await ensureHubSchema(db);
    const ledger = new AckLedger(db, new ManualClock(1000), silentLogger, 60_000);
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
    await db.destroy();
  });
});
