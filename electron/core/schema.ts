import { alarmMigrations } from './alarms';
import { BASE_SCHEMA } from './base-schema';
import { cameraMigrations } from './cameras';
import type { Migration } from '../common/migrations';
import { dutyMigrations } from './duty';
import { facilityMigrations } from './facilities';
import { guardMigrations, patrolClockMigrations } from './guards';
import { hubLinkMigration, hubUrgentMigration } from './hub-link/migration';
import { operatorMigrations } from './operators';
import { playbookMigrations } from './playbooks';
import { postMigrations } from './posts';
import { recordingMigrations } from './recordings';
import { reportMigrations } from './reports';
import { trainingMigrations } from './training';
import { vehicleMigrations } from './vehicles';

/**
 * The schema history, oldest first, assembled here (the database layer knows no feature) from the base schema
 * and each feature's own migrations. An explicit list (not a folder scan) so bundling cannot drop one; ordered
 * by version, since a feature's later migration (guards' phone secrets) comes after other features' ones and
 * its number lives only in its own object. Append only: a released migration is never edited; its test pins
 * what it creates. `checkMigrationList` refuses a gap or a duplicate.
 */

export const MIGRATIONS: readonly Migration[] = [
  ...BASE_SCHEMA,
  ...cameraMigrations,
  ...guardMigrations,
  ...playbookMigrations,
  ...dutyMigrations,
  ...operatorMigrations,
  ...alarmMigrations,
  ...patrolClockMigrations,
  hubLinkMigration,
  hubUrgentMigration,
  ...recordingMigrations,
  ...vehicleMigrations,
  ...facilityMigrations,
  ...reportMigrations,
  ...trainingMigrations,
  ...postMigrations,
].sort((a, b) => a.version - b.version);

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * The database is migrated before any feature exists, so the list above is static; this checks at start that
 * it holds every migration a feature declares (one left out would leave that feature without its tables).
 */
export function checkFeatureMigrations(
  features: readonly { migrations: readonly Migration[] }[],
  list: readonly Migration[] = MIGRATIONS,
): void {
  for (const m of features.flatMap((f) => f.migrations)) {
    if (!list.includes(m))
      throw new Error(`migration ${m.version} (${m.name}) is missing from core/schema.ts`);
  }
}
