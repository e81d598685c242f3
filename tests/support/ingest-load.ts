/**
 * Equipment load against a standalone site hub, shared by the chaos run with `--sources` and `bench:ingest`:
 * the hub's config file (a DC-09 receiver, a GB/T 26875.3 source, the MQTT source with its embedded broker, and
 * optionally ISAPI cameras), drivers around the simulators that keep sending one event until it is acknowledged
 * (across hub restarts, with the same sequence number / 业务流水号 / event id, as real equipment does), and the
 * mapping from a hub report key back to the simulated event it came from.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contactId, Dc09Panel } from '../simulators/dc09-panel';
import { SimTransmitter } from '../simulators/gb26875-transmitter';
import { SensorFleet, startSensors } from '../simulators/mqtt-sensors';
import { freePort } from './rtsp-camera';

export interface IngestPorts {
  hub: number;
  dc09: number;
  gb26875: number;
  mqtt: number;
}

/** Free loopback ports for the hub and its three listeners, taken once: a restarted hub comes back on them. */
export async function freeIngestPorts(): Promise<IngestPorts> {
  return { hub: await freePort(), dc09: await freePort(), gb26875: await freePort(), mqtt: await freePort() };
}

export interface CameraAt {
  url: string;
  username: string;
  password: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Panel i's account: 4 hex digits. */
export const panelAccount = (i: number) => (0x1000 + i).toString(16).toUpperCase();
/** Transmitter i's 6-byte address. */
export const transmitterAddress = (i: number) => 100_001 + i;
export const sensorName = (i: number) => `s-${String(i + 1).padStart(4, '0')}`;

/** Writes the standalone hub's config file (fixed ports, so that a restarted hub is found where it was). */
export function writeHubConfig(
  dir: string,
  ports: IngestPorts,
  o: { token: string; panels: number; cameras?: CameraAt[] },
): string {
  const sources: Record<string, unknown>[] = [
    {
      id: 'dc09',
      kind: 'dc09',
      host: '127.0.0.1',
      port: ports.dc09,
      udp: false,
      accounts: Array.from({ length: o.panels }, (_, i) => ({
        account: panelAccount(i),
        label: `panel ${i + 1}`,
      })),
    },
    {
      id: 'gb',
      kind: 'gb26875',
      host: '127.0.0.1',
      port: ports.gb26875,
      maxConnectionsPerHost: 256,
    },
    {
      id: 'mqtt',
      kind: 'mqtt',
      broker: { mode: 'embedded', host: '127.0.0.1', port: ports.mqtt },
      maxUnknownDevices: 10_000,
    },
  ];
  if (o.cameras?.length) {
    sources.push({
      id: 'cams',
      kind: 'camera',
      protocol: 'isapi',
      cameras: o.cameras.map((c, i) => ({
        camera: `cam-${String(i + 1).padStart(2, '0')}`,
        url: c.url,
        username: c.username,
        password: c.password,
      })),
    });
  }
  const file = join(dir, 'hub.json');
  writeFileSync(
    file,
    JSON.stringify({
      host: '127.0.0.1',
      port: ports.hub,
      tokens: [o.token],
      dataDir: join(dir, 'hub'),
      sources,
      logLevel: 'warn',
    }),
  );
  return file;
}

/** One simulated event: which it is (`eventKey`), when it was first sent and when its ACK / 确认 / PUBACK came. */
export interface Sent {
  id: string;
  kind: 'dc09' | 'gb26875' | 'mqtt';
  fire: boolean;
  sentAt: number;
  /** The attempt that was acknowledged: its write and the acknowledgement's arrival (epoch ms). */
  attemptAt?: number;
  ackAt?: number;
  attempts: number;
}

/**
 * The simulated event a hub report key names, or undefined for what the hub made up itself (supervision):
 *   dc09:<source>:<account>:<seq>:…, gb26875:<source>:<address>:<serial>:…, mqtt:…:id:<event id>:…
 */
export function eventKey(reportKey: string): string | undefined {
  const p = reportKey.split(':');
  if (p[0] === 'dc09' && /^\d+$/.test(p[3] ?? '')) return `dc09:${p[2]}:${Number(p[3])}`;
  if (p[0] === 'gb26875' && /^\d+$/.test(p[3] ?? '')) return `gb26875:${p[2]}:${Number(p[3])}`;
  if (p[0] === 'mqtt') {
    const i = p.indexOf('id');
    if (i > 0 && p[i + 1]) return `mqtt:${decodeURIComponent(p[i + 1]!)}`;
  }
  return undefined;
}

/** A DC-09 panel on TCP that sends each event until the receiver ACKs it, redialling while the hub is away. */
export class PanelDriver {
  private readonly panel: Dc09Panel;
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    port: number,
    readonly account: string,
    private readonly stopped: () => boolean,
    retryMs = 2000,
  ) {
    this.panel = new Dc09Panel({ port, transport: 'tcp', account, retryMs, maxAttempts: 1 });
  }

  /**
   * Contact ID 110 (fire) or 130 (burglary) in a zone; resolves once ACKed, or unacknowledged when stopped. A panel
   * sends one message at a time and waits for its ACK (DC-09): events raised meanwhile wait their turn, and their
   * `sentAt` is when they were raised.
   */
  event(fire: boolean, zone: number): Promise<Sent> {
    const sentAt = Date.now();
    const turn = this.queue.then(() => this.sendNow(fire, zone, sentAt));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async sendNow(fire: boolean, zone: number, sentAt: number): Promise<Sent> {
    this.seq = (this.seq % 9999) + 1;
    const seq = this.seq;
    const data = contactId(this.account, 1, fire ? '110' : '130', '01', String(zone % 1000).padStart(3, '0'));
    const sent: Sent = { id: `dc09:${this.account}:${seq}`, kind: 'dc09', fire, sentAt, attempts: 0 };
    while (!this.stopped()) {
      sent.attempts++;
      const at = Date.now();
      try {
        const out = await this.panel.send({ token: 'ADM-CID', data, seq });
        if (out.final && /^\*?ACK$/.test(out.final.token)) {
          sent.attemptAt = at;
          sent.ackAt = Date.now();
          return sent;
        }
      } catch {
        // Refused or reset: the hub is restarting. Dial again shortly.
      }
      await sleep(200);
    }
    return sent;
  }

  close(): void {
    this.panel.close();
  }
}

/** A 用户信息传输装置 that sends each fire alarm frame (the same bytes) until 确认, redialling as it must. */
export class TransmitterDriver {
  private readonly tx: SimTransmitter;
  private component = 0;

  constructor(
    port: number,
    readonly address: number,
    private readonly stopped: () => boolean,
    retryMs = 2000,
  ) {
    this.tx = new SimTransmitter({ port, address, retryMs, maxAttempts: 1 });
  }

  /** A smoke detector (a new component each time) in 火警. */
  async fire(): Promise<Sent> {
    this.component += 1;
    const frame = this.tx.frame(
      2,
      this.tx.componentStates([{ componentType: 42, componentAddress: this.component, state: 0x0003 }]),
    );
    const serial = frame.readUInt16LE(2);
    const sent: Sent = {
      id: `gb26875:${this.address}:${serial}`,
      kind: 'gb26875',
      fire: true,
      sentAt: Date.now(),
      attempts: 0,
    };
    while (!this.stopped()) {
      if (!this.tx.connected) {
        try {
          await this.tx.connect();
        } catch {
          await sleep(200);
          continue;
        }
      }
      sent.attempts++;
      const at = Date.now();
      const out = await this.tx.send(frame);
      if (out.confirmed) {
        sent.attemptAt = at;
        sent.ackAt = Date.now();
        return sent;
      }
      if (!this.tx.connected) await sleep(200);
    }
    return sent;
  }

  close(): Promise<void> {
    return this.tx.close();
  }
}

/** Native-topic sensors (each event has its own id): `leak(i, active)` resolves on the broker's PUBACK. */
export class SensorDriver {
  private readonly counts: number[];

  private constructor(
    readonly fleet: SensorFleet,
    n: number,
  ) {
    this.counts = Array<number>(n).fill(0);
  }

  static async start(port: number, n: number, connectBatch = 100): Promise<SensorDriver> {
    // Connected in batches: two thousand CONNECTs at once only measure the accept queue.
    const fleets: SensorFleet[] = [];
    for (let i = 0; i < n; i += connectBatch) {
      const names = Array.from({ length: Math.min(connectBatch, n - i) }, (_, j) => ({
        name: sensorName(i + j),
        style: 'native' as const,
      }));
      fleets.push(
        await startSensors({ url: `mqtt://127.0.0.1:${port}`, sensors: names, reconnectPeriod: 300 }),
      );
    }
    return new SensorDriver(new SensorFleet(fleets.flatMap((f) => f.sensors)), n);
  }

  /** The native event `water_leak` (active or not); only an active one is an alarm. */
  async leak(i: number, active: boolean): Promise<Sent> {
    const name = sensorName(i);
    // The simulator numbers its native events `<name>-<n>` from 1, one per changed signal.
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    const sent: Sent = {
      id: `mqtt:${name}-${this.counts[i]}`,
      kind: 'mqtt',
      fire: false,
      sentAt: Date.now(),
      attempts: 1,
    };
    await this.fleet.sensor(name).set({ water_leak: active }, { qos: 1 });
    sent.attemptAt = sent.sentAt;
    sent.ackAt = Date.now();
    return sent;
  }

  close(): Promise<void> {
    return this.fleet.close();
  }
}
