import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HUB_PROTOCOL_VERSION, HubSourcesReply } from '../../shared/contract';
import { SiteFile, type SiteFileInput } from '../../shared/domain/site';
import type { ConsoleCore } from '../../electron/core';
import { silentLogger } from '../../electron/common/log';
import { createDesk, type Desk } from '../../electron/desk';
import { contactId, Dc09Panel } from '../simulators/dc09-panel';
import { SimTransmitter } from '../simulators/gb26875-transmitter';
import { IsapiCamera } from '../simulators/isapi-camera';
import { startEquipmentHub, startLinkedConsole } from '../support/hub';
import { writeDemoSite } from '../support/site';
import { tempDir } from '../support/temp';
import { until } from '../support/until';

/**
 * Equipment through the site hub to a console, with the real simulators (written from the standards, not from
 * our receivers): a DC-09 panel and a GB/T 26875.3 transmitter reach a console's alarm queue, each alarm with its
 * origin, and a hub that restarts still delivers what a console had not yet received.
 */
const SOURCES: SiteFileInput['sources'] = [
  {
    id: 'dc09-main',
    kind: 'dc09',
    host: '127.0.0.1',
    port: 0,
    accounts: [
      {
        account: '1234',
        label: '1号楼报警主机',
        zones: { '15': { zone: 'bldg-01', device: '1号楼大堂烟感' }, '3': { zone: 'perimeter' } },
      },
    ],
  },
  {
    id: 'fire-tx',
    kind: 'gb26875',
    host: '127.0.0.1',
    port: 0,
    transmitters: [
      {
        address: 42,
        name: '2号楼消控室',
        placements: [{ system: 1, component: 0x00010005, zone: 'bldg-02' }],
      },
    ],
  },
];

const siteWithSources = (dir: string) => writeDemoSite(dir, (site) => void (site.sources = SOURCES));

interface HubEventSeen {
  seq: number;
  kind: string;
  data: Record<string, unknown>;
}

/** A console as the protocol doc describes one: it acknowledges every event and keeps what it got. */
async function rawConsole(url: string, token: string, afterSeq = 0) {
  const events: HubEventSeen[] = [];
  const socket: Socket = io(url, {
    auth: { consoleId: 'raw-console', token, protocolVersion: HUB_PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
  });
  socket.on('event', (e: HubEventSeen, ack: (r: unknown) => void) => {
    events.push(e);
    ack({ ok: true, seq: e.seq });
  });
  // Version 5: the ordered stream in `events` messages, one answer each.
  socket.on('events', (batch: HubEventSeen[], ack: (r: unknown) => void) => {
    events.push(...batch);
    ack({ ok: true, seq: batch.at(-1)!.seq });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await socket.emitWithAck('sync', { afterSeq });
  return { socket, events };
}

const panelOn = (port: number, now?: () => number) =>
  new Dc09Panel({
    port,
    transport: 'tcp',
    account: '1234',
    retryMs: 500,
    maxAttempts: 10,
    ...(now ? { now } : {}),
  });

describe('equipment through the site hub to the console', () => {
  let tmp: ReturnType<typeof tempDir>;
  const closers: (() => unknown)[] = [];

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    tmp.cleanup();
  });

  it('one desk: a DC-09 fire from the panel on --dc09-port becomes a console alarm with its origin', async () => {
    const desk: Desk = await createDesk({
      dataDir: tmp.dir,
      dbFile: ':memory:',
      sitePath: siteWithSources(tmp.dir),
      demo: { scenario: false, dc09Port: 0, gb26875Port: 0 },
      log: silentLogger,
    });
    closers.push(() => desk.stop());
    const dc09 = desk.equipmentPorts.find((p) => p.kind === 'dc09');
    expect(dc09?.port).toBeGreaterThan(0);
    expect(desk.equipmentPorts.map((p) => p.kind).sort()).toEqual(['dc09', 'gb26875']);

    const panel = panelOn(dc09!.port);
    closers.push(() => panel.close());
    const out = await panel.send({ token: 'ADM-CID', data: contactId('1234', 1, '110', '01', '015') });
    expect(out.final?.token).toBe('ACK');

    const alarm = await until('the fire in the console queue', async () =>
      (await desk.alarms.openAlarms()).find((a) => a.type === 'fire' && a.zone === 'bldg-01'),
    );
    expect(alarm.source).toBe('hub');
    // What the hub told the console, origin and all (the console's own view of origins is another change).
    const logged = (await desk.demoHub!.database('hub_log').where({ kind: 'alarm' })) as { body: string }[];
    expect(logged.map((r) => JSON.parse(r.body) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        sourceId: alarm.sourceId,
        type: 'fire',
        zone: 'bldg-01',
        origin: {
          source: 'dc09',
          sourceId: 'dc09-main',
          fields: expect.objectContaining({ account: '1234', code: '110' }),
        },
      }),
    ]);
  });

  it('a GB/T 26875.3 fire alarm reaches a linked console; the hub answers sources, keeps its devices and its /health', async () => {
    const site = SiteFile.parse(JSON.parse(readFileSync(siteWithSources(tmp.dir), 'utf8')));
    const h = await startEquipmentHub(tmp.dir, 'hub-token', site);
    closers.push(() => h.stop());
    const core: ConsoleCore = await startLinkedConsole(
      tmp.dir,
      { url: h.hub.url, token: 'hub-token' },
      'desk-a',
    );
    closers.push(() => core.stop());
    const raw = await rawConsole(h.hub.url, 'hub-token');
    closers.push(() => raw.socket.close());

    const fire = h.equipment.list().find((s) => s.kind === 'gb26875')!;
    const port = Number(/:(\d+)$/.exec(fire.status().endpoint!)![1]);
    const sim = new SimTransmitter({ port, address: 42, retryMs: 400, maxAttempts: 10 });
    closers.push(() => sim.close());
    await sim.connect();
    const detector = { componentType: 42, componentAddress: 0x00010005, description: '2号楼3层电梯厅' };
    const sent = await sim.send(sim.frame(2, sim.componentStates([{ ...detector, state: 0x0003 }])));
    expect(sent.confirmed).toBe(true);

    const alarm = await until('the fire alarm on the console', async () =>
      (await core.alarms.openAlarms()).find((a) => a.zone === 'bldg-02'),
    );
    expect(['fire', 'smoke']).toContain(alarm.type);
    const seen = await until('the alarm and its device at the raw console', () =>
      raw.events.some((e) => e.kind === 'alarm') ? raw.events : undefined,
    );
    expect(seen.find((e) => e.kind === 'alarm')!.data).toMatchObject({
      type: alarm.type,
      zone: 'bldg-02',
      origin: { source: 'gb26875', sourceId: 'fire-tx' },
    });
    // The device is registered (first sight) before its alarm, with the transmitter's own description.
    const device = seen.find((e) => e.kind === 'device' && e.data.kind === 'fire_component');
    expect(device?.data).toMatchObject({ state: 'ok', zone: 'bldg-02', label: '2号楼3层电梯厅' });
    expect(device!.seq).toBeLessThan(seen.find((e) => e.kind === 'alarm')!.seq);
    const devices = await h.equipment.devices();
    expect(devices.map((d) => d.kind)).toContain('fire_component');

    const reply = HubSourcesReply.parse(await raw.socket.emitWithAck('sources'));
    expect(reply.sources.map((s) => [s.id, s.kind])).toEqual([
      ['dc09-main', 'dc09'],
      ['fire-tx', 'gb26875'],
    ]);
    expect(reply.sources.find((s) => s.id === 'fire-tx')).toMatchObject({ state: 'listening', received: 1 });

    const health = await new Promise<Record<string, unknown>>((resolve, reject) => {
      get(`${h.hub.url}/health`, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(JSON.parse(body) as Record<string, unknown>));
      }).on('error', reject);
    });
    expect(health).toMatchObject({ ok: true, protocolVersion: HUB_PROTOCOL_VERSION, consoles: 2 });
    expect(health.headSeq).toBe(seen.at(-1)!.seq);
  });

  it('a hub restart replays what a console had not received: the panel was answered only after the commit', async () => {
    const site = SiteFile.parse(JSON.parse(readFileSync(siteWithSources(tmp.dir), 'utf8')));
    let h = await startEquipmentHub(tmp.dir, 'hub-token', site);
    const hubPort = Number(new URL(h.hub.url).port);
    const dc09 = h.equipment.list().find((s) => s.kind === 'dc09')!;
    const panelPort = Number(/:(\d+)$/.exec(dc09.status().endpoint!)![1]);

    // The console is away while the panel reports: the hub's ACK means the alarm is in its log on disk.
    const panelClock = Date.now(); // the panel's clock stands still: a resend carries the same bytes
    const panel = panelOn(panelPort, () => panelClock);
    const out = await panel.send({ token: 'ADM-CID', data: contactId('1234', 1, '130', '01', '003') });
    panel.close();
    expect(out.final?.token).toBe('ACK');
    await h.stop();

    h = await startEquipmentHub(tmp.dir, 'hub-token', site, { port: hubPort, ports: { dc09: panelPort } });
    closers.push(() => h.stop());
    const core = await startLinkedConsole(tmp.dir, { url: h.hub.url, token: 'hub-token' }, 'desk-b');
    closers.push(() => core.stop());
    const alarm = await until('the alarm committed before the restart', async () =>
      (await core.alarms.openAlarms()).find((a) => a.type === 'intrusion' && a.zone === 'perimeter'),
    );
    expect(alarm.source).toBe('hub');
    // The registry came back from the file too: the panel's zone is known without a new frame.
    expect((await h.equipment.devices()).map((d) => d.device_id)).toContain('dc09:dc09-main:1234:zone:3');

    // The same frame again (a panel that missed the ACK) is one alarm in the hub's log, not two.
    const again = panelOn(panelPort, () => panelClock);
    closers.push(() => again.close());
    const retry = await again.send({
      token: 'ADM-CID',
      data: contactId('1234', 1, '130', '01', '003'),
      seq: Number(out.seq),
    });
    expect(retry.final?.token).toBe('ACK');
    const logged = await h.hub.database('hub_log').where({ kind: 'alarm' });
    expect(logged).toHaveLength(1);
    const intrusions = (await core.alarms.openAlarms()).filter((a) => a.type === 'intrusion');
    expect(intrusions.map((a) => a.count)).toEqual([1]);
  });

  it('a Hikvision camera in the site file: its motion opens a low-priority alarm with the camera linked, a line crossing raises it', async () => {
    const camera = new IsapiCamera({ username: 'admin', password: 'Cam-Pass-2026', heartbeatMs: 500 });
    await camera.start();
    closers.push(() => camera.stop());
    const sitePath = writeDemoSite(tmp.dir, (site) => {
      site.sources = [
        {
          id: 'cams',
          kind: 'camera',
          protocol: 'isapi',
          cameras: [
            {
              camera: 'cam-01',
              url: camera.url,
              username: 'admin',
              password: 'Cam-Pass-2026',
              zone: 'gate-south',
              motion: { mode: 'alarm', priority: 5 },
            },
          ],
        },
      ];
    });
    const desk: Desk = await createDesk({
      dataDir: tmp.dir,
      dbFile: ':memory:',
      sitePath,
      demo: { scenario: false },
      log: silentLogger,
    });
    closers.push(() => desk.stop());
    await until('the hub reading the camera', () => camera.open > 0);
    // Motion first: the site set it to P5, the camera linked and the rule in its origin.
    camera.send({ eventType: 'VMD', eventState: 'active' });
    const motion = await until('the motion alarm in the queue', async () =>
      (await desk.alarms.openAlarms()).find((a) => a.cameras.includes('cam-01')),
    );
    expect(motion).toMatchObject({ type: 'intrusion', priority: 5, zone: 'gate-south', count: 1 });
    expect(motion.origin).toMatchObject({ source: 'camera', sourceId: 'cams', fields: { event: 'VMD' } });
    // Then a line crossing on the same camera: the same alarm, counted again and raised to intrusion's priority.
    camera.send({ eventType: 'linedetection', eventState: 'active', regionId: 1 });
    const raised = await until('the alarm raised by the line crossing', async () =>
      (await desk.alarms.openAlarms()).find((a) => a.id === motion.id && a.count === 2),
    );
    expect(raised.priority).toBe(2);
    expect((await desk.alarms.openAlarms()).filter((a) => a.cameras.includes('cam-01'))).toHaveLength(1);
  });
});
