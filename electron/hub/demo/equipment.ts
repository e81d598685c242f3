/**
 * The demo site's simulated equipment, speaking the real wire protocols to the hub's own sources: a DC-09 panel
 * (account 1234, Contact ID, unencrypted, over TCP), a GB/T 26875.3 用户信息传输装置, Zigbee2MQTT-style sensors on
 * the embedded broker, and a Hikvision-style ISAPI camera whose alert stream the ISAPI source reads. The
 * scenario (../scenario.ts) decides what happens; this only makes the device say it, one message at a time per
 * device, each sent again until the receiver acknowledges it (as the real devices do).
 */
import type { SiteFile } from '../../../shared/domain/site';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/log';
import { contactId, Dc09Panel } from './dc09-panel';
import { SimTransmitter } from './gb26875-transmitter';
import { IsapiCamera } from './isapi-camera';
import { startSensors, type SensorFleet } from './mqtt-sensors';
import { DEMO_ACCOUNT, DEMO_SENSORS, DEMO_TRANSMITTER_ADDRESS, type DemoSignal } from './plan';

/** A camera entry's URL on port 0: a loopback camera the demo serves itself, on a port it gets at start. */
const DEMO_CAMERA_URL = /^http:\/\/127\.0\.0\.1:0\/?$/;

/** Where the hub's receivers listen (the ports `boundPorts` reports). */
export interface DemoTargets {
  dc09?: number | undefined;
  gb26875?: number | undefined;
  mqtt?: number | undefined;
}

interface CameraEntryLike {
  camera: string;
  url: string;
  username?: string;
  password?: string;
}

export class DemoEquipment {
  private readonly cameras = new Map<string, IsapiCamera>();
  private panel: Dc09Panel | undefined;
  private transmitter: SimTransmitter | undefined;
  private sensors: SensorFleet | undefined;
  /** One message at a time per device, in the order the scenario decided them. */
  private readonly chains = new Map<string, Promise<void>>();
  private stopped = false;
  private sensorsWanted = false;

  constructor(private readonly o: { clock: Clock; log: Logger }) {}

  /**
   * Starts a camera for each ISAPI camera entry on `http://127.0.0.1:0` and returns the site with their real
   * URLs, so the ISAPI source is built against cameras that exist.
   */
  async serveCameras(site: SiteFile): Promise<SiteFile> {
    const sources = [];
    for (const source of site.sources) {
      const entry = source as Record<string, unknown>;
      const isapi = entry.kind === 'camera' && (entry.protocol ?? 'isapi') === 'isapi';
      const list = Array.isArray(entry.cameras) ? (entry.cameras as CameraEntryLike[]) : [];
      if (!isapi || !list.some((c) => DEMO_CAMERA_URL.test(c.url))) {
        sources.push(source);
        continue;
      }
      const cameras = [];
      for (const c of list) {
        if (!DEMO_CAMERA_URL.test(c.url)) {
          cameras.push(c);
          continue;
        }
        // Heartbeats well inside the source's idle timeout, as a camera on current firmware sends them.
        const cam = new IsapiCamera({ username: c.username, password: c.password, heartbeatMs: 30_000 });
        await cam.start();
        this.cameras.set(c.camera, cam);
        cameras.push({ ...c, url: cam.url });
      }
      sources.push({ ...source, cameras } as typeof source);
    }
    return { ...site, sources };
  }

  /** The devices come on line: the panel sends a periodic test, the transmitter its own state, the sensors connect. */
  start(targets: DemoTargets): void {
    const now = () => this.o.clock.now();
    if (targets.dc09) {
      this.panel = new Dc09Panel({
        port: targets.dc09,
        transport: 'tcp',
        account: DEMO_ACCOUNT,
        retryMs: 1000,
        maxAttempts: 3,
        now,
      });
      this.signal({ via: 'panel', zone: 0, code: '602', restore: false });
    }
    if (targets.gb26875) {
      this.transmitter = new SimTransmitter({
        port: targets.gb26875,
        address: DEMO_TRANSMITTER_ADDRESS,
        now,
        retryMs: 1000,
        maxAttempts: 3,
        answerInspection: true,
      });
      this.queue('transmitter', async (tx = this.transmitter!) => {
        await this.transmitterReady(tx);
        await tx.send(tx.frame(2, tx.ownState(1)));
      });
    }
    if (targets.mqtt) {
      const port = targets.mqtt;
      this.sensorsWanted = true;
      this.queue('sensors', async () => {
        this.sensors = await startSensors({
          url: `mqtt://127.0.0.1:${port}`,
          reconnectPeriod: 2000,
          sensors: DEMO_SENSORS.map((s) => ({
            name: s.name,
            state: { [s.field]: s.field === 'contact', battery: 90, battery_low: false, tamper: false },
          })),
        });
      });
    }
  }

  /**
   * Has the device say it (a failure is logged; the device goes on with its next message); false when the site
   * has no receiver for that device, so the scenario publishes the alarm itself.
   */
  signal(s: DemoSignal): boolean {
    if (s.via === 'panel') {
      const panel = this.panel;
      if (!panel) return false;
      const q = s.restore ? 3 : 1;
      const zone = String(s.zone).padStart(3, '0');
      this.queue('panel', async () => {
        const out = await panel.send({
          token: 'ADM-CID',
          data: contactId(DEMO_ACCOUNT, q, s.code, '01', zone),
        });
        if (!out.final) throw new Error(`no ACK for Contact ID ${q}${s.code} zone ${zone}`);
      });
    } else if (s.via === 'transmitter') {
      const tx = this.transmitter;
      if (!tx) return false;
      // Bit 0 is "normal operation"; bit 1 火警, bit 2 故障 (GB/T 26875.3 §8.2.1.2).
      const state = s.state === 'fire' ? 0b011 : s.state === 'fault' ? 0b101 : 0b001;
      this.queue('transmitter', async () => {
        await this.transmitterReady(tx);
        const out = await tx.send(
          tx.frame(
            2,
            tx.componentStates([
              {
                componentType: s.component.componentType,
                componentAddress: s.component.component,
                state,
                description: s.component.description,
              },
            ]),
          ),
        );
        if (!out.confirmed) throw new Error('no 确认 from the centre');
      });
    } else if (s.via === 'sensor') {
      if (!this.sensorsWanted) return false;
      this.queue('sensors', async () => {
        await this.sensors?.sensor(s.name).set(s.changes);
      });
    } else {
      const camera = this.cameras.get(s.camera);
      if (!camera) return false;
      camera.send({
        eventType: s.eventType,
        eventState: s.active ? 'active' : 'inactive',
        regionId: s.region,
        description: s.active ? 'Line crossing alarm' : 'Line crossing cleared',
      });
    }
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Lines cut first: a message still being retried gives up within its few attempts.
    this.panel?.close();
    this.transmitter?.cut();
    for (const cam of this.cameras.values()) await cam.stop();
    await Promise.allSettled([...this.chains.values()]);
    await this.sensors?.close();
  }

  /** The centre closes an idle line; the transmitter dials again before its next report. */
  private async transmitterReady(tx: SimTransmitter): Promise<void> {
    if (!tx.connected) await tx.connect();
  }

  private queue(device: string, work: () => Promise<void>): void {
    if (this.stopped) return;
    const next = (this.chains.get(device) ?? Promise.resolve()).then(async () => {
      if (this.stopped) return;
      await work().catch((err: Error) =>
        this.o.log.warn('demo device did not get through', { device, error: err.message }),
      );
    });
    this.chains.set(device, next);
  }
}

/**
 * The hub's receivers the demo devices may talk to: only those the site file configures for them (the panel's
 * account, the transmitter's address, the sensors' names), so a site's own equipment never hears the demo.
 */
export function demoTargets(
  site: SiteFile,
  ports: readonly { kind: 'dc09' | 'gb26875' | 'mqtt'; port: number }[],
): DemoTargets {
  const first = (kind: string) =>
    site.sources.find((s) => s.kind === kind) as Record<string, unknown> | undefined;
  const port = (kind: 'dc09' | 'gb26875' | 'mqtt') => ports.find((p) => p.kind === kind)?.port;
  const out: DemoTargets = {};
  const accounts = first('dc09')?.accounts;
  if (Array.isArray(accounts) && accounts.some((a) => (a as { account?: unknown }).account === DEMO_ACCOUNT))
    out.dc09 = port('dc09');
  const transmitters = first('gb26875')?.transmitters;
  if (
    Array.isArray(transmitters) &&
    transmitters.some((t) => Number((t as { address?: unknown }).address) === DEMO_TRANSMITTER_ADDRESS)
  )
    out.gb26875 = port('gb26875');
  const devices = first('mqtt')?.devices;
  if (devices && typeof devices === 'object' && DEMO_SENSORS.every((s) => Object.hasOwn(devices, s.name)))
    out.mqtt = port('mqtt');
  return out;
}
