import type { Knex } from 'knex';
import type { Contact, FacilityInput, FacilityView } from '../../../shared/contract';
import {
  availability,
  KIND_DEFAULTS,
  KIND_OF_HUB_DEVICE,
  type FacilityKind,
} from '../../../shared/domain/facilities';
import type { SiteFile } from '../../../shared/domain/site';
import { pickText } from '../../../shared/domain/text';
import { ServiceError } from '../errors';
import type { Clock } from '../../common/clock';
import type { IdGenerator } from '../util/ids';

export interface FacilityRow {
  id: string;
  code: string;
  name: string;
  kind: FacilityKind;
  zone: string | null;
  lat: number | null;
  lon: number | null;
  installed_on: string | null;
  maintainer_name: string | null;
  maintainer_phone: string | null;
  inspect_days: number | null;
  maintain_days: number | null;
  device_id: string | null;
  origin: FacilityView['origin'];
  created_at: number;
  updated_at: number;
}

type LiveState = 'ok' | 'fault' | 'offline';
const DAY = 86_400_000;

/**
 * The facility ledger (设施台账): its entries, seeded from the site file (cameras and the facilities it lists) and
 * from every device the hub reports, plus those entered or imported here; and each linked device's state changes,
 * which give its live state and its availability.
 */
export class Ledger {
  constructor(private readonly o: { db: Knex; clock: Clock; ids: IdGenerator; site: SiteFile }) {}

  private defaults(kind: FacilityKind) {
    return { ...KIND_DEFAULTS[kind], ...this.o.site.facilities.kinds[kind] };
  }

  /** Cameras of the site file and the facilities it lists become entries once; edits made here are kept. */
  async seed(
    cameras: readonly {
      id: string;
      name: SiteFile['cameras'][number]['name'];
      zone?: string | undefined;
      position?: { lat: number; lon: number } | undefined;
    }[],
  ): Promise<number> {
    const { db, clock } = this.o;
    const now = clock.now();
    let added = 0;
    await db.transaction(async (trx) => {
      for (const c of cameras) {
        const deviceId = `camera:${c.id}`;
        if (await trx('facilities').where({ device_id: deviceId }).first('id')) continue;
        if (await trx('facilities').where({ code: c.id }).first('id')) continue;
        await trx('facilities').insert(
          this.row(
            {
              code: c.id,
              name: pickText(c.name, 'zh-CN'),
              kind: 'camera',
              zone: c.zone,
              position: c.position,
              deviceId,
            },
            'site',
            now,
          ),
        );
        added++;
      }
      for (const f of this.o.site.facilities.entries) {
        if (await trx('facilities').where({ code: f.code }).first('id')) continue;
        if (f.deviceId && (await trx('facilities').where({ device_id: f.deviceId }).first('id'))) continue;
        await trx('facilities').insert(this.row({ ...f, name: pickText(f.name, 'zh-CN') }, 'site', now));
        added++;
      }
    });
    return added;
  }

  private row(
    e: Omit<FacilityInput, 'id'>,
    origin: FacilityView['origin'],
    now: number,
    id?: string,
  ): FacilityRow {
    return {
      id: id ?? this.o.ids(),
      code: e.code,
      name: e.name,
      kind: e.kind,
      zone: e.zone ?? null,
      lat: e.position?.lat ?? null,
      lon: e.position?.lon ?? null,
      installed_on: e.installedOn ?? null,
      maintainer_name: e.maintainer?.name ?? null,
      maintainer_phone: e.maintainer?.phone ?? null,
      inspect_days: e.inspectEveryDays ?? null,
      maintain_days: e.maintainEveryDays ?? null,
      device_id: e.deviceId ?? null,
      origin,
      created_at: now,
      updated_at: now,
    };
  }

  /**
   * A device the hub reports, or an alarm names, has its entry: made the first time it is heard of (`created`,
   * which open pages must read the ledger again for; a known device's state change reaches them as a delta).
   */
  async ensureDevice(
    trx: Knex.Transaction,
    d: { deviceId: string; kind?: string | undefined; zone?: string | undefined; label?: string | undefined },
  ): Promise<FacilityRow & { created?: true }> {
    const known = (await trx('facilities').where({ device_id: d.deviceId }).first()) as
      FacilityRow | undefined;
    if (known) return known;
    let code = d.deviceId.slice(0, 40);
    for (let n = 2; await trx('facilities').where({ code }).first('id'); n++)
      code = `${d.deviceId.slice(0, 34)}~${n}`;
    const row = this.row(
      {
        code,
        name: (d.label || d.deviceId).slice(0, 80),
        kind: KIND_OF_HUB_DEVICE[d.kind ?? 'other'] ?? 'other',
        ...(d.zone ? { zone: d.zone } : {}),
        deviceId: d.deviceId,
      },
      'hub',
      this.o.clock.now(),
    );
    await trx('facilities').insert(row);
    return { ...row, created: true };
  }

  /** A linked device's state as reported: only a change is kept. Returns whether it changed. */
  async recordState(
    trx: Knex | Knex.Transaction,
    deviceId: string,
    state: LiveState,
    at: number,
    text?: string | undefined,
  ): Promise<boolean> {
    const last = (await trx('facility_states')
      .where({ device_id: deviceId })
      .orderBy('id', 'desc')
      .first('state')) as { state: string } | undefined;
    if (last?.state === state) return false;
    await trx('facility_states').insert({
      device_id: deviceId,
      at,
      state,
      text: text?.slice(0, 200) ?? null,
    });
    return true;
  }

  async save(
    input: FacilityInput,
    origin: 'manual' | 'import',
    trx?: Knex.Transaction,
  ): Promise<FacilityRow> {
    const run = async (t: Knex.Transaction) => {
      const now = this.o.clock.now();
      const existing = (
        input.id
          ? await t('facilities').where({ id: input.id }).first()
          : origin === 'import'
            ? await t('facilities').where({ code: input.code }).first()
            : undefined
      ) as FacilityRow | undefined;
      if (input.id && !existing)
        throw new ServiceError('not_found', `There is no ledger entry "${input.id}".`);
      const clash = (await t('facilities').where({ code: input.code }).first('id')) as
        { id: string } | undefined;
      if (clash && clash.id !== existing?.id)
        throw new ServiceError('conflict', `The code "${input.code}" is another entry's.`);
      if (input.deviceId) {
        const linked = (await t('facilities').where({ device_id: input.deviceId }).first('id')) as
          { id: string } | undefined;
        if (linked && linked.id !== existing?.id)
          throw new ServiceError('conflict', `The device "${input.deviceId}" is another entry's.`);
      }
      const row = this.row(input, existing?.origin ?? origin, now, existing?.id);
      if (existing) {
        await t('facilities')
          .where({ id: existing.id })
          .update({ ...row, created_at: existing.created_at });
        return { ...row, created_at: existing.created_at };
      }
      await t('facilities').insert(row);
      return row;
    };
    return trx ? run(trx) : this.o.db.transaction(run);
  }

  async get(id: string): Promise<FacilityRow | undefined> {
    return (await this.o.db('facilities').where({ id }).first()) as FacilityRow | undefined;
  }

  async byDevice(deviceId: string): Promise<FacilityRow | undefined> {
    return (await this.o.db('facilities').where({ device_id: deviceId }).first()) as FacilityRow | undefined;
  }

  /** Every entry with its live state and 24 h availability (its open order is the orders list's `entryId`). */
  async views(): Promise<FacilityView[]> {
    const { db, clock } = this.o;
    const now = clock.now();
    const from = now - DAY;
    const rows = (await db('facilities').orderBy([{ column: 'kind' }, { column: 'code' }])) as FacilityRow[];
    const states = (await db('facility_states')
      .whereIn('device_id', db('facilities').whereNotNull('device_id').select('device_id'))
      .andWhere(function recent() {
        // The window's changes, and the last one before it (the state the window opened in).
        this.where('at', '>=', from).orWhereIn(
          'id',
          db('facility_states').where('at', '<', from).groupBy('device_id').max('id'),
        );
      })
      .orderBy('id')) as Array<{ device_id: string; at: number; state: LiveState; text: string | null }>;
    const byDevice = new Map<string, typeof states>();
    for (const s of states) {
      const list = byDevice.get(s.device_id) ?? [];
      list.push(s);
      byDevice.set(s.device_id, list);
    }
    return rows.map((r) => {
      const history = r.device_id ? (byDevice.get(r.device_id) ?? []) : [];
      const last = history.at(-1);
      const defaults = this.defaults(r.kind);
      return {
        id: r.id,
        code: r.code,
        name: r.name,
        kind: r.kind,
        ...(r.zone ? { zone: r.zone } : {}),
        ...(r.lat !== null && r.lon !== null ? { position: { lat: r.lat, lon: r.lon } } : {}),
        ...(r.installed_on ? { installedOn: r.installed_on } : {}),
        ...(r.maintainer_name && r.maintainer_phone
          ? { maintainer: { name: r.maintainer_name, phone: r.maintainer_phone } }
          : {}),
        inspectEveryDays: r.inspect_days ?? defaults.inspectEveryDays,
        maintainEveryDays: r.maintain_days ?? defaults.maintainEveryDays,
        ...(r.device_id ? { deviceId: r.device_id } : {}),
        origin: r.origin,
        ...(last
          ? { live: { state: last.state, at: last.at, ...(last.text ? { text: last.text } : {}) } }
          : {}),
        availability24h: r.device_id
          ? availability(
              history.filter((h) => h.at >= from),
              history.find((h) => h.at < from)?.state,
              { from, to: now },
            )
          : null,
      };
    });
  }

  /** Maintainers to assign work to: the site's maintenance contacts and every entry's maintainer, once each. */
  async maintainers(): Promise<Contact[]> {
    const site = this.o.site.contacts
      .filter((c) => c.kind === 'maintenance')
      .map((c) => ({ name: pickText(c.name, 'zh-CN'), phone: c.number }));
    const rows = (await this.o
      .db('facilities')
      .whereNotNull('maintainer_name')
      .distinct('maintainer_name', 'maintainer_phone')) as Array<{
      maintainer_name: string;
      maintainer_phone: string;
    }>;
    const all = [...site, ...rows.map((r) => ({ name: r.maintainer_name, phone: r.maintainer_phone }))];
    const seen = new Set<string>();
    return all.filter((c) => {
      const key = `${c.name}|${c.phone}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}
