import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubEvent } from '../../shared/contract';
import type { SiteFile } from '../../shared/domain/site';
import { ManualClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { demoSitePath, loadSite } from '../../electron/common/site-file';
import { Equipment, originOf } from '../../electron/hub/equipment';
import { SiteHub } from '../../electron/hub/server';
import type { SourceReport } from '../../electron/hub/sources/source';
import { HUB_ENGINES, postgresForThisFile } from '../support/postgres';
import { idleSource } from '../support/sink';

const pg = postgresForThisFile();

/** The hub's side of a source: the sink's batches, the device registry, silences and their restore. */
const fakeSource = idleSource('panels', 'dc09', 'listening');

const panel = {
  id: 'dc09:panels:1234',
  kind: 'alarm_panel' as const,
  label: '1号楼主机',
  supervisionSec: 60,
};

describe.each(HUB_ENGINES)('the hub equipment sink and device registry (%s)', (engine) => {
  let hub: SiteHub;
  let equipment: Equipment;
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 2, 0));

  beforeEach(async (ctx) => {
    if (engine === 'postgres' && !pg.available) return ctx.skip();
    const dbFile = engine === 'sqlite' ? ':memory:' : await pg.database();
    hub = new SiteHub({ dbFile, token: 't', clock, log: silentLogger });
    await hub.start();
    const site = { ...loadSite(demoSitePath()).site, sources: [] } satisfies SiteFile;
    equipment = new Equipment(hub, site, {}, { clock, log: silentLogger });
  });
  afterEach(async () => {
    await equipment?.stop();
    await hub?.stop();
  });

  const log = async () =>
    ((await hub.database('hub_log').orderBy('seq')) as { seq: number; kind: string; body: string }[]).map(
      (r) => ({ kind: r.kind as HubEvent['kind'], data: JSON.parse(r.body) as Record<string, unknown> }),
    );
  const report = (r: Partial<SourceReport> & Pick<SourceReport, 'key' | 'kind'>): SourceReport => ({
    device: panel,
    at: clock.now(),
    origin: { account: '1234' },
    ...r,
  });

  it('commits what arrives together in one batch, registers the device first, and takes a key once', async () => {
    const sink = equipment.sinkFor(fakeSource);
    await Promise.all([
      sink.commit(report({ key: 'a', kind: 'alarm', type: 'intrusion', zone: 'perimeter' })),
      sink.commit(report({ key: 'a', kind: 'alarm', type: 'intrusion', zone: 'perimeter' })),
      sink.commit(report({ key: 'b', kind: 'restore', type: 'intrusion' })),
    ]);
    const events = await log();
    expect(events.map((e) => e.kind)).toEqual(['device', 'alarm', 'restore']);
    expect(events[0]!.data).toMatchObject({
      deviceId: panel.id,
      kind: 'alarm_panel',
      state: 'ok',
      label: '1号楼主机',
      supervisionSec: 60,
      zone: 'perimeter',
      origin: { source: 'dc09', sourceId: 'panels', fields: { account: '1234' } },
    });
    expect(events[1]!.data).toMatchObject({ sourceId: 'a', type: 'intrusion', zone: 'perimeter' });
    expect(await equipment.devices()).toMatchObject([
      { device_id: panel.id, state: 'ok', zone: 'perimeter' },
    ]);
  });

  it('a supervision silence puts the device offline with a device_offline alarm; its next word restores it', async () => {
    const sink = equipment.sinkFor(fakeSource);
    await sink.commit(report({ key: 'hello', kind: 'alive' }));
    clock.advance(120_000);
    await sink.commit(
      report({
        key: 'silent',
        kind: 'state',
        state: 'fault',
        origin: { reason: 'supervision', silentSec: 120 },
      }),
    );
    expect((await equipment.devices())[0]).toMatchObject({ state: 'offline' });
    clock.advance(5_000);
    await sink.commit(report({ key: 'back', kind: 'alive' }));
    const events = await log();
    expect(events.map((e) => [e.kind, e.data.state ?? e.data.type])).toEqual([
      ['device', 'ok'],
      ['device', 'offline'],
      ['alarm', 'device_offline'],
      ['device', 'ok'],
      ['restore', 'device_offline'],
    ]);
    // The silence is the hub's clock speaking, not the device: last seen stays when it last spoke.
    expect(events[1]!.data).toMatchObject({ lastSeenAt: Date.UTC(2026, 11, 1, 2, 0) });
  });

  it('sends a report worded in both languages as `texts` on its alarm and its device event', async () => {
    const sink = equipment.sinkFor(fakeSource);
    const words = { text: 'Burglary', texts: { 'zh-CN': '入侵报警', en: 'Burglary' } };
    await sink.commit(report({ key: 'w', kind: 'alarm', type: 'intrusion', ...words }));
    await sink.commit(report({ key: 'plain', kind: 'alarm', type: 'intrusion', text: 'as sent' }));
    const events = await log();
    expect(events.map((e) => [e.kind, e.data.text, e.data.texts])).toEqual([
      ['device', 'Burglary', words.texts],
      ['alarm', 'Burglary', words.texts],
      ['alarm', 'as sent', undefined],
    ]);
  });

  it("bounds what the equipment said to the protocol's origin limits", () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, 'x'.repeat(300)]));
    const origin = originOf(fakeSource, report({ key: 'k', kind: 'event', origin: many }));
    expect(Object.keys(origin.fields)).toHaveLength(24);
    expect(Object.values(origin.fields).every((v) => String(v).length === 200)).toBe(true);
  });
});
