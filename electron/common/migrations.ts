import type { Knex } from 'knex';

export interface Migration {
  version: number;
  name: string;
  up(db: Knex.Transaction): Promise<void>;
}

/** Refuses a list that is not strictly increasing from 1: a mistake that would corrupt every install. */
export function checkMigrationList(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration list broken at index ${i}: expected version ${i + 1}, found ${m.version}`);
    }
  });
}
