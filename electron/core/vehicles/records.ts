import type { Knex } from 'knex';
import {
  VehicleInput,
  type ImportFile,
  type VehicleImportPreview,
  type Permit,
  type VehicleHit,
  type VehicleView,
} from '../../../shared/contract';
import { checkPlate, plateKey } from '../../../shared/domain/plate';
import type { Clock } from '../../common/clock';
import type { Actor } from '../actor';
import { appendAudit, auditActor } from '../audit/audit';
import { ServiceError } from '../errors';
import { csvDocument } from '../util/csv';
import type { IdGenerator } from '../util/ids';
import { writeXlsx } from '../util/sheet';
import { EXPORT_HEADER, exportRow, readImport, type VehicleRecord } from './import';
import { PlateIndex } from './plate-index';

interface VehicleRow {
  id: string;
  plate: string;
  plate_key: string;
  owner: string;
  building: string;
  unit: string;
  room: string;
  phones: string;
  kind: VehicleView['kind'];
  colour: string;
  permit: string | null;
  notes: string;
  blacklisted: number;
  updated_at: number;
  updated_by: string;
}

export function vehicleView(r: VehicleRow): VehicleView {
  const check = checkPlate(r.plate);
  return {
    id: r.id,
    plate: r.plate,
    series: check.ok ? check.series : 'standard',
    owner: r.owner,
    building: r.building,
    unit: r.unit,
    room: r.room,
    phones: JSON.parse(r.phones) as string[],
    kind: r.kind,
    colour: r.colour,
    ...(r.permit ? { permit: JSON.parse(r.permit) as Permit } : {}),
    notes: r.notes,
    blacklisted: r.blacklisted === 1,
    updatedAt: r.updated_at,
  };
}

function rowOf(id: string, v: VehicleRecord, at: number, by: string): VehicleRow {
  return {
    id,
    plate: v.plate,
    plate_key: plateKey(v.plate),
    owner: v.owner,
    building: v.building,
    unit: v.unit,
    room: v.room,
    phones: JSON.stringify(v.phones),
    kind: v.kind,
    colour: v.colour,
    permit: v.permit ? JSON.stringify(v.permit) : null,
    notes: v.notes,
    blacklisted: v.blacklisted ? 1 : 0,
    updated_at: at,
    updated_by: by,
  };
}

/**
 * Resident vehicle records (车辆档案): stored in SQLite, every plate also in memory (PlateIndex) so a partial plate is
 * found as the operator types and a gate read is matched without a query per character.
 */
export class VehicleRecords {
  readonly index = new PlateIndex();

  constructor(private readonly o: { db: Knex; clock: Clock; ids: IdGenerator }) {}

  async load(): Promise<void> {
    const rows = (await this.o.db('vehicles').select('id', 'plate')) as { id: string; plate: string }[];
    for (const r of rows) this.index.add(r.id, r.plate);
  }

  async byIds(ids: string[], db: Knex | Knex.Transaction = this.o.db): Promise<VehicleView[]> {
    if (ids.length === 0) return [];
    const rows = (await db('vehicles').whereIn('id', ids)) as VehicleRow[];
    const byId = new Map(rows.map((r) => [r.id, vehicleView(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async byPlate(plate: string, db: Knex | Knex.Transaction = this.o.db): Promise<VehicleView | undefined> {
    const id = this.index.idOf(plate);
    return id ? (await this.byIds([id], db))[0] : undefined;
  }

  async search(query: string, limit: number): Promise<{ vehicles: VehicleHit[]; total: number }> {
    const { hits, total } = this.index.search(query, limit);
    const views = await this.byIds(hits.map((h) => h.id));
    const exact = new Map(hits.map((h) => [h.id, h.exact]));
    return { vehicles: views.map((v) => ({ ...v, exact: exact.get(v.id) ?? false })), total };
  }

  async save(input: VehicleInput, actor: Actor): Promise<VehicleView> {
    const v = VehicleInput.parse(input);
    const plate = checkPlate(v.plate);
    if (!plate.ok)
      throw new ServiceError('invalid_input', `not a plate (${plate.error})`, 'plate_invalid', {
        error: plate.error,
      });
    const holder = this.index.idOf(plate.plate);
    if (holder && holder !== v.id)
      throw new ServiceError('conflict', `${plate.plate} is on record already`, 'plate_taken', {
        plate: plate.plate,
      });
    const id = v.id ?? this.o.ids();
    const at = this.o.clock.now();
    const row = rowOf(id, { ...v, plate: plate.plate, series: plate.series }, at, actor.name);
    await this.o.db.transaction(async (trx) => {
      const existing = (await trx('vehicles').where({ id }).first()) as VehicleRow | undefined;
      if (v.id && !existing) throw new ServiceError('not_found', `no vehicle ${v.id}`);
      if (existing) await trx('vehicles').where({ id }).update(row);
      else await trx('vehicles').insert(row);
      await appendAudit(trx, {
        at,
        ...auditActor(actor),
        action: existing ? 'vehicles.update' : 'vehicles.add',
        target: id,
        details: { plate: plate.plate, blacklisted: v.blacklisted },
      });
    });
    this.index.add(id, plate.plate);
    return vehicleView(row);
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const at = this.o.clock.now();
    await this.o.db.transaction(async (trx) => {
      const row = (await trx('vehicles').where({ id }).first()) as VehicleRow | undefined;
      if (!row) throw new ServiceError('not_found', `no vehicle ${id}`);
      await trx('vehicles').where({ id }).delete();
      await appendAudit(trx, {
        at,
        ...auditActor(actor),
        action: 'vehicles.remove',
        target: id,
        details: { plate: row.plate },
      });
    });
    this.index.remove(id);
  }

  async preview(file: ImportFile): Promise<VehicleImportPreview> {
    const read = await readImport(file);
    if ('refusal' in read) return { ok: false, refusal: read.refusal };
    return {
      ok: true,
      rows: read.rows,
      good: read.good.length,
      replacing: read.good.filter((g) => this.index.idOf(g.record.plate) !== undefined).length,
      problems: read.problems,
      badRows: read.badRows,
      columns: read.columns,
      sample: read.good.slice(0, 5).map((g) => g.record),
    };
  }

  /**
   * One transaction: every good row replaces the record of its plate or adds one. With `all_or_nothing` a file
   * with any bad row imports nothing; `good_rows` is the operator's explicit choice to leave the bad ones out.
   */
  async import(
    file: ImportFile,
    mode: 'all_or_nothing' | 'good_rows',
    actor: Actor,
  ): Promise<{ imported: number; skipped: number; preview: VehicleImportPreview }> {
    const read = await readImport(file);
    const preview = await this.preview(file);
    if ('refusal' in read) return { imported: 0, skipped: 0, preview };
    if (read.good.length === 0 || (mode === 'all_or_nothing' && read.badRows > 0))
      return { imported: 0, skipped: read.rows, preview };
    const at = this.o.clock.now();
    const added: [string, string][] = [];
    await this.o.db.transaction(async (trx) => {
      for (const chunk of chunks(read.good, 200)) {
        const rows = chunk.map(({ record }) =>
          rowOf(this.index.idOf(record.plate) ?? this.o.ids(), record, at, actor.name),
        );
        await trx('vehicles').insert(rows).onConflict('plate').merge();
        for (const r of rows) added.push([r.id, r.plate]);
      }
      await appendAudit(trx, {
        at,
        ...auditActor(actor),
        action: 'vehicles.import',
        target: file.name.slice(0, 120),
        details: { mode, imported: read.good.length, skipped: read.badRows, format: file.format },
      });
    });
    for (const [id, plate] of added) this.index.add(id, plate);
    return { imported: read.good.length, skipped: read.badRows, preview };
  }

  async export(format: 'csv' | 'xlsx'): Promise<{ name: string; base64: string; rows: number }> {
    const rows = ((await this.o.db('vehicles').orderBy('plate')) as VehicleRow[]).map((r) =>
      exportRow(vehicleView(r)),
    );
    const day = new Date(this.o.clock.now()).toISOString().slice(0, 10);
    const name = `vehicles-${day}.${format}`;
    const bytes =
      format === 'csv'
        ? Buffer.from(csvDocument(EXPORT_HEADER, rows), 'utf8')
        : await writeXlsx('车辆档案', EXPORT_HEADER, rows);
    return { name, base64: bytes.toString('base64'), rows: rows.length };
  }

  /** Seeds records (the demo) in one transaction, only into an empty table. */
  async seed(records: VehicleRecord[]): Promise<void> {
    if (this.index.size > 0) return;
    const at = this.o.clock.now();
    const rows = records.map((r) => rowOf(this.o.ids(), r, at, 'system'));
    await this.o.db.transaction(async (trx) => {
      for (const chunk of chunks(rows, 200)) await trx('vehicles').insert(chunk);
    });
    for (const r of rows) this.index.add(r.id, r.plate);
  }
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
