import type { Knex } from 'knex';
import type {
  CertificateInput,
  CertificateView,
  InBothLanguages,
  OperatorView,
  PersonRef,
  TrainingList,
  TrainingPerson,
  TrainingRecordInput,
  TrainingRecordView,
} from '../../../shared/contract';
import type { SiteFile } from '../../../shared/domain/site';
import { pickText } from '../../../shared/domain/text';
import {
  certificateTiming,
  signOnVerdict,
  type CertificateKind,
  type SignOnVerdict,
  type TrainingResult,
} from '../../../shared/domain/training';
import type { Clock } from '../../common/clock';
import type { Actor } from '../actor';
import { appendAudit, auditActor, removeAudited } from '../audit/audit';
import { writeDutyLog } from '../duty';
import { ServiceError } from '../errors';
import type { IdGenerator } from '../util/ids';

interface RecordRow {
  id: string;
  person_kind: PersonRef['kind'];
  person_id: string;
  course: string;
  on_day: string;
  hours: number;
  trainer: string;
  result: TrainingResult;
  note: string | null;
  updated_by: string;
  updated_at: number;
}

interface CertificateRow {
  id: string;
  person_kind: PersonRef['kind'];
  person_id: string;
  kind: CertificateKind;
  level: number | null;
  number: string;
  issued_on: string;
  expires_on: string;
  issued_by: string;
  updated_by: string;
  updated_at: number;
}

/** What the supervisor is told: the certificates newly expiring or newly expired, by person's name. */
export interface ExpiryNews {
  stage: 'expiring' | 'expired';
  names: string[];
}

const both = (name: string): InBothLanguages => ({ 'zh-CN': name, en: name });
const personKey = (kind: string, id: string) => `${kind}:${id}`;

/**
 * Training records and certificates (培训记录、证书): kept by a supervisor, each change one transaction with its
 * audit entry; the expiry of each certificate in the site's calendar; the fire desk's sign-on rule.
 */
export class TrainingService {
  constructor(
    private readonly o: {
      db: Knex;
      clock: Clock;
      ids: IdGenerator;
      site: SiteFile;
      changed(): void;
      /** Certificates newly expiring or expired, told once each (the supervisor's notice). */
      tell(news: ExpiryNews): void;
      /** Someone signed on to the fire desk without a valid certificate and the site lets them, with a warning. */
      warned(operator: OperatorView, verdict: Exclude<SignOnVerdict, { verdict: 'ok' }>): void;
    },
  ) {}

  private get rules() {
    return this.o.site.training;
  }

  /** Everyone a record can be about: active accounts, then the site file's guards. */
  async people(db: Knex | Knex.Transaction = this.o.db): Promise<TrainingPerson[]> {
    const accounts = (await db('operators').where({ active: 1 }).orderBy('name').select('id', 'name')) as {
      id: string;
      name: string;
    }[];
    return [
      ...accounts.map((a) => ({ kind: 'operator' as const, id: a.id, name: both(a.name) })),
      ...this.o.site.guards.map((g) => ({
        kind: 'guard' as const,
        id: g.id,
        name: { 'zh-CN': pickText(g.name, 'zh-CN'), en: pickText(g.name, 'en') },
      })),
    ];
  }

  private async nameOf(person: PersonRef, db: Knex | Knex.Transaction): Promise<InBothLanguages> {
    if (person.kind === 'guard') {
      const guard = this.o.site.guards.find((g) => g.id === person.id);
      if (!guard)
        throw new ServiceError('invalid_input', `There is no guard "${person.id}" in the site file.`);
      return { 'zh-CN': pickText(guard.name, 'zh-CN'), en: pickText(guard.name, 'en') };
    }
    const row = (await db('operators').where({ id: person.id }).first('name')) as
      { name: string } | undefined;
    if (!row) throw new ServiceError('invalid_input', `There is no account "${person.id}".`);
    return both(row.name);
  }

  async list(): Promise<TrainingList> {
    const db = this.o.db;
    const people = await this.people();
    // Accounts since deactivated still name their old records.
    const names = new Map(people.map((p) => [personKey(p.kind, p.id), p.name]));
    for (const r of (await db('operators').select('id', 'name')) as { id: string; name: string }[])
      if (!names.has(personKey('operator', r.id))) names.set(personKey('operator', r.id), both(r.name));
    const nameOf = (kind: string, id: string) => names.get(personKey(kind, id)) ?? both(id);
    const records = (await db('training_records').orderBy('on_day', 'desc').limit(2000)) as RecordRow[];
    const certificates = await this.certificates(nameOf);
    return {
      people,
      records: records.map((r) => recordView(r, nameOf(r.person_kind, r.person_id))),
      certificates,
      settings: this.rules,
    };
  }

  private async certificates(
    nameOf: (kind: string, id: string) => InBothLanguages,
  ): Promise<CertificateView[]> {
    const rows = (await this.o.db('certificates').orderBy('expires_on')) as CertificateRow[];
    const newest = new Map<string, string>();
    for (const r of rows) {
      const key = `${personKey(r.person_kind, r.person_id)}:${r.kind}`;
      if ((newest.get(key) ?? '') < r.expires_on) newest.set(key, r.expires_on);
    }
    const now = this.o.clock.now();
    return rows.map((r) => {
      const timing = certificateTiming(r.expires_on, now, this.o.site.timeZone, this.rules.expiryNoticeDays);
      return {
        id: r.id,
        person: { kind: r.person_kind, id: r.person_id },
        personName: nameOf(r.person_kind, r.person_id),
        kind: r.kind,
        ...(r.level !== null ? { level: r.level } : {}),
        number: r.number,
        issuedOn: r.issued_on,
        expiresOn: r.expires_on,
        issuedBy: r.issued_by,
        status: timing.status,
        daysLeft: timing.daysLeft,
        superseded: newest.get(`${personKey(r.person_kind, r.person_id)}:${r.kind}`) !== r.expires_on,
        updatedBy: r.updated_by,
        updatedAt: r.updated_at,
      };
    });
  }

  async saveRecord(input: TrainingRecordInput, actor: Actor): Promise<TrainingRecordView> {
    const now = this.o.clock.now();
    const id = input.id ?? this.o.ids();
    const row: RecordRow = {
      id,
      person_kind: input.person.kind,
      person_id: input.person.id,
      course: input.course,
      on_day: input.on,
      hours: input.hours,
      trainer: input.trainer,
      result: input.result,
      note: input.note || null,
      updated_by: actor.name,
      updated_at: now,
    };
    const name = await this.o.db.transaction(async (trx) => {
      const name = await this.nameOf(input.person, trx);
      if (input.id) {
        const n = await trx('training_records').where({ id }).update(row);
        if (!n) throw new ServiceError('not_found', `There is no training record "${id}".`);
      } else await trx('training_records').insert(row);
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: input.id ? 'training.recordChanged' : 'training.recordAdded',
        target: id,
        details: { ...input },
      });
      return name;
    });
    this.o.changed();
    return recordView(row, name);
  }

  async removeRecord(id: string, actor: Actor): Promise<void> {
    await this.o.db.transaction((trx) =>
      removeAudited<RecordRow>(trx, {
        table: 'training_records',
        id,
        missing: `There is no training record "${id}".`,
        at: this.o.clock.now(),
        actor,
        action: 'training.recordRemoved',
        details: (row) => ({ ...row }),
      }),
    );
    this.o.changed();
  }

  async saveCertificate(input: CertificateInput, actor: Actor): Promise<CertificateView> {
    const now = this.o.clock.now();
    const id = input.id ?? this.o.ids();
    const row: CertificateRow = {
      id,
      person_kind: input.person.kind,
      person_id: input.person.id,
      kind: input.kind,
      level: input.level ?? null,
      number: input.number,
      issued_on: input.issuedOn,
      expires_on: input.expiresOn,
      issued_by: input.issuedBy,
      updated_by: actor.name,
      updated_at: now,
    };
    await this.o.db.transaction(async (trx) => {
      const name = await this.nameOf(input.person, trx);
      if (input.id) {
        const n = await trx('certificates').where({ id }).update(row);
        if (!n) throw new ServiceError('not_found', `There is no certificate "${id}".`);
      } else await trx('certificates').insert(row);
      await appendAudit(trx, {
        at: now,
        ...auditActor(actor),
        action: input.id ? 'training.certificateChanged' : 'training.certificateAdded',
        target: id,
        details: { ...input },
      });
      await writeDutyLog(trx, {
        at: now,
        kind: 'training',
        text: `${name['zh-CN']} 的证书已登记：${input.number}，有效期至 ${input.expiresOn} · certificate ${input.number} of ${name.en} recorded, valid until ${input.expiresOn}`,
        operatorId: actor.id,
      });
    });
    this.o.changed();
    const view = (await this.list()).certificates.find((c) => c.id === id);
    if (!view) throw new ServiceError('internal', 'The certificate was saved but cannot be read back.');
    return view;
  }

  async removeCertificate(id: string, actor: Actor): Promise<void> {
    await this.o.db.transaction(async (trx) => {
      await removeAudited<CertificateRow>(trx, {
        table: 'certificates',
        id,
        missing: `There is no certificate "${id}".`,
        at: this.o.clock.now(),
        actor,
        action: 'training.certificateRemoved',
        details: (row) => ({ ...row }),
      });
      await trx('certificate_notices').where({ certificate_id: id }).delete();
    });
    this.o.changed();
  }

  /**
   * Certificates that entered their notice lead or expired since last asked, told once each (per expiry date, so
   * a corrected date is told again). Only each person's newest of a kind counts: a renewed one replaced it.
   * Returns how many were new.
   */
  async checkExpiry(): Promise<number> {
    const now = this.o.clock.now();
    const news: Record<ExpiryNews['stage'], string[]> = { expiring: [], expired: [] };
    await this.o.db.transaction(async (trx) => {
      const nameOf = new Map((await this.people(trx)).map((p) => [personKey(p.kind, p.id), p.name]));
      const rows = (await trx('certificates').orderBy('expires_on')) as CertificateRow[];
      const newest = new Map<string, CertificateRow>();
      for (const r of rows) newest.set(`${personKey(r.person_kind, r.person_id)}:${r.kind}`, r);
      for (const r of newest.values()) {
        const { status } = certificateTiming(
          r.expires_on,
          now,
          this.o.site.timeZone,
          this.rules.expiryNoticeDays,
        );
        if (status === 'valid') continue;
        const key = { certificate_id: r.id, expires_on: r.expires_on, stage: status };
        if (await trx('certificate_notices').where(key).first('at')) continue;
        await trx('certificate_notices').insert({ ...key, at: now });
        news[status].push(nameOf.get(personKey(r.person_kind, r.person_id))?.['zh-CN'] ?? r.person_id);
      }
    });
    for (const stage of ['expired', 'expiring'] as const)
      if (news[stage].length) this.o.tell({ stage, names: news[stage] });
    const count = news.expired.length + news.expiring.length;
    // A status changed with the calendar: the open views read the list again.
    if (count) this.o.changed();
    return count;
  }

  /** What the site's rule says of this operator signing on now (their certificates of the desk's kind). */
  async verdict(operator: OperatorView): Promise<SignOnVerdict> {
    const rule = this.rules.fireDesk;
    const expiries = (
      (await this.o
        .db('certificates')
        .where({ person_kind: 'operator', person_id: operator.id, kind: rule.certificate })
        .select('expires_on')) as { expires_on: string }[]
    ).map((r) => r.expires_on);
    return signOnVerdict(rule, operator.role, expiries, this.o.clock.now(), this.o.site.timeZone);
  }

  /**
   * Signing on to the fire desk (sign-in, a second operator joining the shift): refused with a worded reason, or
   * let through with a warning in the duty log and a notice, as the site file says. Both are audited.
   */
  async signOn(operator: OperatorView, how: string): Promise<void> {
    const v = await this.verdict(operator);
    if (v.verdict === 'ok') return;
    const now = this.o.clock.now();
    const kind = this.rules.fireDesk.certificate;
    await this.o.db.transaction(async (trx) => {
      await appendAudit(trx, {
        at: now,
        ...auditActor(operator),
        action: v.verdict === 'refuse' ? 'training.signOnRefused' : 'training.signOnWarned',
        details: { how, why: v.why, kind, ...(v.expiresOn ? { expiresOn: v.expiresOn } : {}) },
      });
      if (v.verdict === 'warn')
        await writeDutyLog(trx, {
          at: now,
          kind: 'training',
          text:
            v.why === 'expired'
              ? `${operator.name} 持已过期（${v.expiresOn}）的上岗证书签到上岗 · ${operator.name} signed on with a certificate that expired on ${v.expiresOn}`
              : `${operator.name} 未登记上岗证书即签到上岗 · ${operator.name} signed on with no certificate on record`,
          operatorId: operator.id,
        });
    });
    if (v.verdict === 'warn') {
      this.o.warned(operator, v);
      return;
    }
    throw v.why === 'expired'
      ? new ServiceError(
          'forbidden',
          `Your certificate (${kind}) expired on ${v.expiresOn}: this console's site does not let you sign on to the fire desk with it. Ask the supervisor to record the renewed certificate.`,
          'certificate_expired',
          { kind, expiresOn: v.expiresOn ?? '' },
        )
      : new ServiceError(
          'forbidden',
          `No certificate (${kind}) is on record for you: this console's site does not let you sign on to the fire desk without one. Ask the supervisor to record it.`,
          'certificate_missing',
          { kind },
        );
  }
}

function recordView(r: RecordRow, personName: InBothLanguages): TrainingRecordView {
  return {
    id: r.id,
    person: { kind: r.person_kind, id: r.person_id },
    personName,
    course: r.course,
    on: r.on_day,
    hours: r.hours,
    trainer: r.trainer,
    result: r.result,
    ...(r.note ? { note: r.note } : {}),
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}
