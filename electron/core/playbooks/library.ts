import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { PlaybookRecord, PlaybookSummary } from '../../../shared/contract';
import { PlaybookDefinition, validatePlaybook } from '../../../shared/domain/playbook';
import { appendAudit, auditActor } from '../audit/audit';
import { ServiceError } from '../errors';
import type { IdGenerator } from '../util/ids';
import type { Logger } from '../../common/log';
import { shippedResource } from '../../common/resources';

interface VersionRow {
  id: string;
  playbook_id: string;
  version: number;
  revision: number;
  definition: string;
  source: 'file' | 'console';
  created_at: number;
  created_by: string;
}

/** The shipped playbooks folder. */
export function shippedPlaybooksDir(): string {
  return shippedResource('playbooks');
}

export function toRecord(row: VersionRow): PlaybookRecord {
  const definition = PlaybookDefinition.parse(JSON.parse(row.definition));
  return {
    id: row.playbook_id,
    versionId: row.id,
    version: row.version,
    title: definition.title,
    alarmTypes: definition.alarmTypes,
    steps: definition.steps.length,
    source: row.source,
    createdAt: row.created_at,
    createdBy: row.created_by,
    definition,
  };
}

export function toSummary(row: VersionRow): PlaybookSummary {
  const { definition: _definition, ...summary } = toRecord(row);
  return summary;
}

/**
 * Playbook definitions in the database, versioned. Shipped files are imported at start when a playbook is
 * absent or its file's revision is newer than the one last imported; supervisors' edits add versions.
 */
export class PlaybookLibrary {
  constructor(
    private readonly db: Knex,
    private readonly ids: IdGenerator,
    private readonly log: Logger,
  ) {}

  /** Imports `dir/*.json`; a bad file is logged with the path of the error and skipped, never half-stored. */
  async importShipped(dir: string, at: number): Promise<{ imported: string[]; refused: string[] }> {
    const imported: string[] = [];
    const refused: string[] = [];
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      } catch (err) {
        this.log.error('playbook file is not JSON', { file: name, error: (err as Error).message });
        refused.push(name);
        continue;
      }
      const checked = validatePlaybook(raw);
      if (!checked.ok) {
        this.log.error('playbook file refused', {
          file: name,
          problems: checked.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
        });
        refused.push(name);
        continue;
      }
      const pb = checked.playbook;
      await this.db.transaction(async (trx) => {
        const lastFromFile = (await trx('playbook_versions')
          .where({ playbook_id: pb.id, source: 'file' })
          .max('revision as r')
          .first()) as { r: number | null } | undefined;
        if ((lastFromFile?.r ?? 0) >= pb.revision) return;
        await this.insertVersion(trx, pb, 'file', pb.revision, { id: 'system', name: 'system' }, at);
        imported.push(pb.id);
      });
    }
    if (imported.length) this.log.info('playbooks imported', { playbooks: imported });
    return { imported, refused };
  }

  async list(): Promise<PlaybookSummary[]> {
    const rows = (await this.db('playbook_versions as v')
      .whereIn(
        'v.id',
        this.db('playbook_versions as w')
          .select('w.id')
          .whereRaw('w.playbook_id = v.playbook_id')
          .orderBy('w.version', 'desc')
          .limit(1),
      )
      .orderBy('v.playbook_id')) as VersionRow[];
    return rows.map(toSummary);
  }

  async get(
    id: string,
    version?: number,
    db: Knex | Knex.Transaction = this.db,
  ): Promise<PlaybookRecord & { versions: PlaybookSummary[] }> {
    const rows = (await db('playbook_versions')
      .where({ playbook_id: id })
      .orderBy('version', 'desc')) as VersionRow[];
    const row = version === undefined ? rows[0] : rows.find((r) => r.version === version);
    if (!row)
      throw new ServiceError(
        'not_found',
        version === undefined
          ? `There is no playbook "${id}".`
          : `Playbook "${id}" has no version ${version}.`,
      );
    return { ...toRecord(row), versions: rows.map(toSummary) };
  }

  async byVersionId(versionId: string, db: Knex | Knex.Transaction = this.db): Promise<PlaybookRecord> {
    const row = (await db('playbook_versions').where({ id: versionId }).first()) as VersionRow | undefined;
    if (!row) throw new ServiceError('not_found', `There is no playbook version "${versionId}".`);
    return toRecord(row);
  }

  /** The newest version of every playbook suggested for an alarm type. */
  async suggestFor(type: string): Promise<PlaybookSummary[]> {
    return (await this.list()).filter((p) => p.alarmTypes.includes(type));
  }

  async save(
    definition: PlaybookDefinition,
    actor: { id: string; name: string },
    at: number,
  ): Promise<PlaybookRecord> {
    // The router validated the shape; this repeats it so a caller inside the core gets the same refusal.
    const checked = validatePlaybook(definition);
    if (!checked.ok)
      throw new ServiceError(
        'invalid_input',
        `The playbook is not valid: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      );
    return this.db.transaction(async (trx) => {
      const row = await this.insertVersion(trx, checked.playbook, 'console', 0, actor, at);
      await appendAudit(trx, {
        at,
        ...auditActor(actor),
        action: 'playbook.save',
        target: checked.playbook.id,
        details: { version: row.version, steps: checked.playbook.steps.length },
      });
      return toRecord(row);
    });
  }

  private async insertVersion(
    trx: Knex.Transaction,
    pb: PlaybookDefinition,
    source: 'file' | 'console',
    revision: number,
    actor: { id: string; name: string },
    at: number,
  ): Promise<VersionRow> {
    const last = (await trx('playbook_versions')
      .where({ playbook_id: pb.id })
      .max('version as v')
      .first()) as { v: number | null } | undefined;
    const row: VersionRow = {
      id: this.ids(),
      playbook_id: pb.id,
      version: (last?.v ?? 0) + 1,
      revision,
      definition: JSON.stringify(pb),
      source,
      created_at: at,
      created_by: actor.name,
    };
    await trx('playbook_versions').insert(row);
    return row;
  }
}
