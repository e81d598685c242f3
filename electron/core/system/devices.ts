import type { Knex } from 'knex';
import { HubDevice, type DeviceView } from '../../../shared/contract';
import type { Logger } from '../../common/log';

/**
 * Every device the hub has reported, as its latest `device` event left it. The events themselves are the record
 * (hub_events, the partial index hub_events_device): the handover's faulty devices are read the same way, so
 * there is no second copy of a device's state to drift from it.
 */
export async function latestDevices(
  db: Knex,
  log: Logger,
  o: { states?: readonly DeviceView['state'][] | undefined; limit: number },
): Promise<{ devices: DeviceView[]; total: number }> {
  const rows = (await db('hub_events')
    .whereIn(
      'seq',
      db('hub_events').whereRaw("kind = 'device'").max('seq').groupByRaw("json_extract(body, '$.deviceId')"),
    )
    .orderBy('seq', 'desc')
    .select('body')) as Array<{ body: string }>;
  const all: DeviceView[] = [];
  for (const r of rows) {
    // Validated when it was committed; read back through the schema all the same, so a row written by an older
    // console (before protocol 3) comes out in today's shape.
    const parsed = HubDevice.safeParse(JSON.parse(r.body));
    if (parsed.success) all.push(parsed.data);
    else log.warn('a stored device event no longer reads', { error: parsed.error.message });
  }
  const wanted = o.states ? all.filter((d) => o.states!.includes(d.state)) : all;
  // Faulty first, then those heard from longest ago: what needs someone comes to the top.
  const rank = { offline: 0, fault: 1, ok: 2 } as const;
  wanted.sort(
    (a, b) =>
      rank[a.state] - rank[b.state] ||
      (a.lastSeenAt ?? a.at) - (b.lastSeenAt ?? b.at) ||
      a.deviceId.localeCompare(b.deviceId),
  );
  return { devices: wanted.slice(0, o.limit), total: wanted.length };
}

/** Device reports looked through for one device: its latest report is among the newest of them, or it is gone. */
const RECENT_DEVICE_REPORTS = 20_000;

/**
 * One device as its latest report left it, or null. Looks only through the newest device reports (bounded work:
 * the alarm detail asks this for every equipment alarm it opens).
 */
export async function latestDevice(db: Knex, log: Logger, deviceId: string): Promise<DeviceView | null> {
  const row = (await db
    .from(
      db('hub_events')
        .where('kind', 'device')
        .orderBy('seq', 'desc')
        .limit(RECENT_DEVICE_REPORTS)
        .select('body', 'seq')
        .as('recent'),
    )
    .whereRaw("json_extract(body, '$.deviceId') = ?", [deviceId])
    .orderBy('seq', 'desc')
    .first('body')) as { body: string } | undefined;
  if (!row) return null;
  const parsed = HubDevice.safeParse(JSON.parse(row.body));
  if (parsed.success) return parsed.data;
  log.warn('a stored device event no longer reads', { error: parsed.error.message });
  return null;
}
