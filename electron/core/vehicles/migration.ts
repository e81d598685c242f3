import type { Migration } from '../../common/migrations';

/**
 * Vehicles, gate reads and visitors (issue 17). Number 19 (20 and 21 are taken by other branches); the number
 * lives only in this object so it can be renumbered when branches meet.
 */
export const vehiclesMigration: Migration = {
  version: 19,
  name: 'vehicles: resident vehicle records, gate reads with their decisions, visitors, vehicles inside',
  async up(db) {
    await db.schema.createTable('vehicles', (t) => {
      t.text('id').primary();
      // The one stored form (shared/domain/plate.ts), and its confusion-folded key for the gate's near matches.
      t.text('plate').notNullable().unique();
      t.text('plate_key').notNullable();
      t.text('owner').notNullable();
      t.text('building').notNullable().defaultTo('');
      t.text('unit').notNullable().defaultTo('');
      t.text('room').notNullable().defaultTo('');
      t.text('phones').notNullable().defaultTo('[]');
      t.text('kind').notNullable();
      t.text('colour').notNullable().defaultTo('');
      // The permit (凭证) as JSON: kind, number, space, valid from/to (dates in the site's calendar).
      t.text('permit');
      t.text('notes').notNullable().defaultTo('');
      t.integer('blacklisted').notNullable().defaultTo(0);
      t.integer('updated_at').notNullable();
      t.text('updated_by').notNullable();
    });
    await db.schema.raw('CREATE INDEX vehicles_plate_key ON vehicles (plate_key)');
    await db.schema.createTable('gate_reads', (t) => {
      t.increments('id');
      // The camera's or hub's id: a second delivery of the same read is not a second car.
      t.text('read_id').notNullable().unique();
      t.text('gate_id').notNullable();
      t.text('direction').notNullable();
      t.text('plate').notNullable();
      t.integer('valid').notNullable();
      t.double('confidence').notNullable();
      t.integer('at').notNullable();
      t.text('picture');
      t.text('match').notNullable();
      t.text('vehicle_id');
      t.text('visitor_id');
      t.text('barrier').notNullable();
      t.text('decision');
      t.text('decided_by');
      t.integer('decided_at');
    });
    await db.schema.raw('CREATE INDEX gate_reads_gate_at ON gate_reads (gate_id, at)');
    await db.schema.raw("CREATE INDEX gate_reads_waiting ON gate_reads (id) WHERE barrier = 'waiting'");
    await db.schema.createTable('visitors', (t) => {
      t.text('id').primary();
      t.text('plate').notNullable();
      t.text('building').notNullable();
      t.text('room').notNullable();
      t.text('host').notNullable();
      t.text('phone').notNullable();
      t.text('purpose').notNullable();
      t.text('area');
      t.integer('limit_min').notNullable();
      t.text('state').notNullable();
      t.integer('registered_at').notNullable();
      t.text('registered_by').notNullable();
      t.integer('entered_at');
      t.integer('left_at');
      t.integer('overstayed_at');
    });
    await db.schema.raw('CREATE INDEX visitors_plate_state ON visitors (plate, state)');
    // One row per vehicle in now: an entry opens it, the exit of the same plate closes it.
    await db.schema.createTable('vehicles_inside', (t) => {
      t.text('plate').primary();
      t.integer('read_id').notNullable();
      t.integer('entered_at').notNullable();
    });
  },
};
