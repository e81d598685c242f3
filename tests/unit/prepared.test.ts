/**
 * The flood's raw SQL path (electron/core/util/prepared.ts): statements run inside the caller's knex transaction,
 * and the raw savepoint keeps what knex's nested transaction promised the inbox: work undone alone when it throws,
 * and `executionPromise` settling only with the outer commit (rejected for work rolled back).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createKnex } from '../../electron/common/database';
import { connectionOf, prepared } from '../../electron/common/prepared';
import { inSavepoint } from '../../electron/core/util/prepared';

describe('prepared statements and raw savepoints in a knex transaction', () => {
  let db: Knex;
  beforeEach(async () => {
    db = createKnex(':memory:');
    await db.raw('CREATE TABLE t (n INTEGER)');
  });
  afterEach(() => db.destroy());

  const insert = async (trx: Knex.Transaction, n: number) =>
    prepared(await connectionOf(trx), 'INSERT INTO t (n) VALUES (?)').run(n);
  const stored = async () => ((await db('t').orderBy('n')) as { n: number }[]).map((r) => r.n);

  it('rolls back with the transaction it ran in', async () => {
    await expect(
      db.transaction(async (trx) => {
        await insert(trx, 1);
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    expect(await stored()).toEqual([]);
  });

  it('undoes a failed savepoint alone; its promise rejects, a kept one settles after the commit', async () => {
    const heard: string[] = [];
    await db.transaction(async (trx) => {
      await inSavepoint(trx, async (sp) => {
        await insert(sp, 1);
        sp.executionPromise.then(() => heard.push('kept'));
      });
      await expect(
        inSavepoint(trx, async (sp) => {
          sp.executionPromise.then(
            () => heard.push('wrongly kept'),
            () => heard.push('undone'),
          );
          await insert(sp, 2);
          // knex queries run through the savepoint's view of the transaction too.
          await sp('t').insert({ n: 3 });
          throw new Error('bad event');
        }),
      ).rejects.toThrow('bad event');
      await inSavepoint(trx, (sp) => insert(sp, 4));
      await Promise.resolve();
      expect(heard).toEqual(['undone']);
    });
    await new Promise((r) => setImmediate(r));
    expect(heard).toEqual(['undone', 'kept']);
    expect(await stored()).toEqual([1, 4]);
  });

  it('tells nobody of savepoint work when the outer transaction rolls back', async () => {
    const heard: string[] = [];
    await expect(
      db.transaction(async (trx) => {
        await inSavepoint(trx, async (sp) => {
          await insert(sp, 1);
          sp.executionPromise.then(
            () => heard.push('kept'),
            () => heard.push('rolled back'),
          );
        });
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    await new Promise((r) => setImmediate(r));
    expect(heard).toEqual(['rolled back']);
    expect(await stored()).toEqual([]);
  });
});
