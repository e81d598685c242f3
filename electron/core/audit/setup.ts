import { fill } from '../../../shared/i18n/notices';
import type { Knex } from 'knex';
import type { Notice } from '../../../shared/contract';
import { DEFAULT_LOCALE, type Locale } from '../../../shared/domain/text';
import { MESSAGES } from '../../../shared/i18n';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { AuditAnchoring, auditHead } from './anchors';
import { appendAudit, entryHash, type AuditRow } from './audit';
import {
  attachAuditKeyring,
  createAuditKey,
  GENESIS,
  keyId,
  keyingRecordValid,
  keyProblem,
  readAuditKey,
  readKeyingRecord,
  UNKEYED_FROM,
  writeKeyingRecord,
  type AuditKeyFile,
  type AuditKeyring,
  type KeyingRecord,
} from './chain';

type NoticeKey =
  'auditKeyMissing' | 'auditKeyDamaged' | 'auditKeyForeign' | 'auditUnkeyedAccepted' | 'auditUnkeyedRefused';

export interface AuditTrail {
  /** Something the operators must hear about: the key is missing, or entries were written without it. */
  notice?: { level: Notice['level']; message: string };
  anchoring: AuditAnchoring;
  /** Hourly anchors to the hub from now on; `kickOutbox` sends each at once. */
  startAnchoring(kickOutbox: () => void): void;
  stop(): void;
}

/**
 * The composition root's one call for the audit trail, right after the database is opened and before anything
 * is audited. It finds or makes the key, records where keying begins, attaches the key to the database (so
 * appendAudit finds it) and prepares the hourly anchor.
 *
 * - No keying record yet (a new database, or one from before keyed chains): the key file is made if there is
 *   none, and every row from the next one on is keyed; the rows before it keep their SHA-256 links.
 * - A keying record but no usable key file: a new key is NOT made (the keyed rows could never be checked
 *   again). The console keeps running, writes plain links from a recorded point on, and says so; when the key
 *   is put back, those rows are accepted as an unkeyed span under the key's signature.
 */
export async function openAudit(o: {
  db: Knex;
  dataDir: string;
  /** false for an in-memory database: anchors in the data directory would outlive it and then accuse the next. */
  anchors?: boolean;
  clock: Clock;
  log: Logger;
  locale?: Locale;
  anchorEveryMs?: number;
}): Promise<AuditTrail> {
  const { db, log } = o;
  const messages = MESSAGES[o.locale ?? DEFAULT_LOCALE].notices;
  const say = (key: NoticeKey, vars: Record<string, string | number>) => fill(messages[key], vars);
  let notice: AuditTrail['notice'];

  const read = await readKeyingRecord(db);
  const head = await auditHead(db);
  const maxSeq = head?.seq ?? 0;
  const anchorDir = o.anchors === false ? undefined : o.dataDir;
  let file: AuditKeyFile = readAuditKey(o.dataDir);
  let ring: AuditKeyring;

  const withoutKey = (problem: string, key: NoticeKey): AuditKeyring => {
    log.error('audit chain: no usable key, writing unkeyed links', { problem });
    notice = { level: 'error', message: say(key, { file: file.file }) };
    return { anchorDir, keyFile: file.file, key: undefined, problem };
  };

  if (read === 'damaged') {
    // Left as found for the check to report; a replaced record must not be papered over with a new one.
    ring = { anchorDir, keyFile: file.file, key: file.key };
    log.error('audit chain: the keying record cannot be read');
  } else if (!read) {
    if (!file.key && file.problem === 'missing') file = createAuditKey(o.dataDir);
    if (file.key) {
      await writeKeyingRecord(db, file.key, {
        keyedFrom: maxSeq + 1,
        legacyHead: head?.hash ?? GENESIS,
        unkeyed: [],
      });
      log.info('audit chain keyed', { keyedFrom: maxSeq + 1, keyFile: file.file });
      ring = { anchorDir, keyFile: file.file, key: file.key };
    } else {
      ring = withoutKey(keyProblem(file), 'auditKeyDamaged');
    }
  } else {
    let record = read;
    if (!file.key && file.problem === 'missing' && maxSeq < record.keyedFrom && record.unkeyed.length === 0) {
      // Nothing was ever linked with the lost key, so a new one takes nothing away.
      file = createAuditKey(o.dataDir);
      record = await writeKeyingRecord(db, file.key, record);
      await db('meta').where({ key: UNKEYED_FROM }).delete();
      log.warn('audit key was missing before any entry was keyed with it; a new one was made', {
        keyFile: file.file,
      });
    }
    if (!file.key) {
      ring = withoutKey(keyProblem(file), file.problem === 'missing' ? 'auditKeyMissing' : 'auditKeyDamaged');
    } else if (keyId(file.key) !== record.keyId) {
      ring = withoutKey(`the audit key file ${file.file} belongs to another database`, 'auditKeyForeign');
    } else {
      ring = { anchorDir, keyFile: file.file, key: file.key };
    }
    if (!ring.key) {
      await db('meta')
        .insert({ key: UNKEYED_FROM, value: String(maxSeq + 1) })
        .onConflict('key')
        .ignore();
    } else {
      attachAuditKeyring(db, ring);
      const restored = await acceptUnkeyed(db, ring.key, record, maxSeq, o.clock.now());
      if (restored) {
        notice = {
          level: restored.accepted ? 'warning' : 'error',
          message: say(restored.accepted ? 'auditUnkeyedAccepted' : 'auditUnkeyedRefused', {
            count: restored.count,
            from: restored.from,
            to: restored.to,
          }),
        };
        log[restored.accepted ? 'warn' : 'error']('audit key is back after entries were written without it', {
          ...restored,
        });
      }
    }
  }
  attachAuditKeyring(db, ring);

  const anchoring = new AuditAnchoring({
    db,
    clock: o.clock,
    log,
    ...(o.anchorEveryMs ? { everyMs: o.anchorEveryMs } : {}),
  });
  return {
    ...(notice ? { notice } : {}),
    anchoring,
    startAnchoring(kickOutbox) {
      ring.anchored = kickOutbox;
      anchoring.start();
    },
    stop() {
      anchoring.stop();
      ring.anchored = undefined;
    },
  };
}

/**
 * The key is back after rows were written without it (from the marker on). They are accepted as an unkeyed
 * span only if none of them carries a keyed link: a keyed row passed off as unkeyed would be one an attacker
 * without the key had rewritten. The acceptance is itself a keyed entry.
 */
async function acceptUnkeyed(
  db: Knex,
  key: Buffer,
  record: KeyingRecord,
  maxSeq: number,
  at: number,
): Promise<{ accepted: boolean; count: number; from: number; to: number } | undefined> {
  const marker = (await db('meta').where({ key: UNKEYED_FROM }).first('value')) as
    { value: string } | undefined;
  if (!marker) return undefined;
  const from = Number(marker.value);
  if (!Number.isInteger(from) || maxSeq < from) {
    await db('meta').where({ key: UNKEYED_FROM }).delete();
    return undefined;
  }
  const span = { from, to: maxSeq, count: maxSeq - from + 1 };
  const rows = (await db('audit_log').where('seq', '>=', from).orderBy('seq')) as AuditRow[];
  const keyedAmong = rows.some((r) => entryHash(key, r.prev_hash, r) === r.hash);
  if (from < record.keyedFrom || keyedAmong || !keyingRecordValid(key, record))
    return { accepted: false, ...span };
  await db.transaction(async (trx) => {
    await writeKeyingRecord(trx, key, { ...record, unkeyed: [...record.unkeyed, [from, maxSeq]] });
    await trx('meta').where({ key: UNKEYED_FROM }).delete();
    await appendAudit(trx, {
      at,
      actorId: 'console',
      actorName: 'console',
      action: 'audit.unkeyed',
      details: { from, to: maxSeq, why: 'written while the audit key file was missing' },
    });
  });
  return { accepted: true, ...span };
}
