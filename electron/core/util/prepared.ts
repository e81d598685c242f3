import type { Knex } from 'knex';
import { connectionOf, prepared } from '../../common/prepared';

// The statements themselves (`connectionOf`, `prepared`, `isTransaction`) are in electron/common/prepared.ts,
// shared with the site hub; the savepoint is the console's inbox's alone.

/**
 * `work` in a savepoint of `trx`: undone alone if it throws (rethrown), kept otherwise. What knex's nested
 * transaction does, without building a knex instance and preparing two statements per use: one hub event in a
 * flood. `work` gets `trx` itself, except that its `executionPromise` settles as the work's fate does: rejected
 * if the savepoint was rolled back, else with the outer transaction, so listeners hear only of work on disk.
 */
export async function inSavepoint<T>(
  trx: Knex.Transaction,
  work: (sp: Knex.Transaction) => Promise<T>,
): Promise<T> {
  const conn = await connectionOf(trx);
  let settle: (kept: boolean, err?: unknown) => void = () => undefined;
  const fate = new Promise<unknown>((resolve, reject) => {
    settle = (kept, err) => (kept ? resolve(trx.executionPromise) : reject(err));
  });
  // Nobody may be listening; an unheard rejection must not end the process.
  fate.catch(() => undefined);
  const sp = new Proxy(trx, {
    get: (target, prop) => (prop === 'executionPromise' ? fate : Reflect.get(target, prop, target)),
  });
  prepared(conn, 'SAVEPOINT inbox_event').run();
  try {
    const result = await work(sp);
    prepared(conn, 'RELEASE inbox_event').run();
    settle(true);
    return result;
  } catch (err) {
    try {
      // ROLLBACK TO keeps the savepoint open: release it too, so the transaction goes on as before it.
      prepared(conn, 'ROLLBACK TO inbox_event').run();
      prepared(conn, 'RELEASE inbox_event').run();
    } catch {
      // The storage itself failed: the caller rolls the whole transaction back.
    }
    settle(false, err);
    throw err;
  }
}
