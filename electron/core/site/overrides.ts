import type { Knex } from 'knex';
import { appendAudit, auditActor } from '../audit/audit';

/**
 * Supervisors' edits of site-file items (cameras, contacts), stored over the site file in `<table>` (id,
 * definition JSON or null for removed, updated_at, updated_by). The site file itself is never rewritten.
 */
export async function loadOverrides<T extends { id: string }>(
  db: Knex,
  table: string,
  fromSite: readonly T[],
  parse: (definition: unknown) => T,
): Promise<T[]> {
  const rows = (await db(table)) as { id: string; definition: string | null }[];
  const byId = new Map(fromSite.map((item) => [item.id, item]));
  for (const row of rows) {
    if (row.definition === null) byId.delete(row.id);
    else byId.set(row.id, parse(JSON.parse(row.definition)));
  }
  return [...byId.values()];
}

/** Stores one edit (or a removal, `definition` null) with its audit entry, in one transaction. */
export async function writeOverride(
  db: Knex,
  table: string,
  change: { id: string; definition: unknown; actor: { id: string; name: string }; at: number },
  audit: { action: string; details?: Record<string, unknown> },
): Promise<void> {
  const { id, definition, actor, at } = change;
  await db.transaction(async (trx) => {
    await trx(table)
      .insert({
        id,
        definition: definition === null ? null : JSON.stringify(definition),
        updated_at: at,
        updated_by: actor.name,
      })
      .onConflict('id')
      .merge();
    await appendAudit(trx, {
      at,
      ...auditActor(actor),
      action: audit.action,
      target: id,
      details: audit.details,
    });
  });
}
