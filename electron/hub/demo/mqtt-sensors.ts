/**
 * Simulated MQTT sensors, written from Zigbee2MQTT's and Tasmota's published conventions (and the site hub's
 * documented native topic), never from the hub's parser: each sensor is its own MQTT client with a Last Will,
 * publishes its whole state as JSON on every change (as Zigbee2MQTT does), and can vanish by having its socket
 * destroyed, so the broker publishes the will.
 *
 *   Zigbee2MQTT: state on `<base>/<friendly name>` (`{"water_leak":true,"battery_low":false,"battery":97,…}`,
 *                `contact: false` meaning open); availability, retained, on `<base>/<friendly name>/availability`
 *                as `{"state":"online"}` (or plain `online` in the legacy format).
 *   Tasmota:     `tele/<topic>/LWT` with `Online` / `Offline`, retained; telemetry on `tele/<topic>/SENSOR`.
 *   native:      `site/<device>/event` with `{"event":"water_leak","active":true,"id":"…","at":…}`.
 *
 * The demo's sensors (electron/hub/demo/) and the tests use it; as a command for load and manual runs it is
 * `tests/simulators/mqtt-sensors.ts`.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

export type SensorStyle = 'zigbee2mqtt' | 'tasmota' | 'native';
export type SensorValue = boolean | number | string;

export interface SensorSpec {
  /** The Zigbee2MQTT friendly name, the Tasmota topic or the native device name. */
  name: string;
  style?: SensorStyle;
  /** Its exposes and their values at start, e.g. `{ water_leak: false, battery_low: false }`. */
  state?: Record<string, SensorValue>;
}

export interface SensorFleetOptions {
  url: string;
  sensors: SensorSpec[];
  base?: string;
  nativePrefix?: string;
  /** QoS of state publishes (availability and wills are QoS 1, retained, as Zigbee2MQTT sends them). */
  qos?: 0 | 1;
  /** `json` (`{"state":"online"}`, Zigbee2MQTT since 1.x's new availability) or `plain` (`online`). */
  availabilityFormat?: 'json' | 'plain';
  protocolVersion?: 4 | 5;
  username?: string;
  password?: string;
  /** How soon a dropped sensor connects again (ms); 0 = never. */
  reconnectPeriod?: number;
}

export interface PublishOptions {
  qos?: 0 | 1;
  retain?: boolean;
}

export class SimulatedSensor {
  readonly style: SensorStyle;
  readonly state: Record<string, SensorValue>;
  private seq = 0;
  private client: MqttClient | undefined;

  constructor(
    readonly name: string,
    private readonly fleet: Required<Omit<SensorFleetOptions, 'sensors' | 'username' | 'password'>> &
      Pick<SensorFleetOptions, 'username' | 'password'>,
    spec: SensorSpec,
  ) {
    this.style = spec.style ?? 'zigbee2mqtt';
    this.state = { battery: 100, linkquality: 120, ...spec.state };
  }

  get availabilityTopic(): string {
    if (this.style === 'tasmota') return `tele/${this.name}/LWT`;
    if (this.style === 'native') return this.eventTopic;
    return `${this.fleet.base}/${this.name}/availability`;
  }

  get stateTopic(): string {
    if (this.style === 'tasmota') return `tele/${this.name}/SENSOR`;
    if (this.style === 'native') return this.eventTopic;
    return `${this.fleet.base}/${this.name}`;
  }

  private get eventTopic(): string {
    return `${this.fleet.nativePrefix}/${this.name}/event`;
  }

  availabilityPayload(online: boolean): string {
    if (this.style === 'tasmota') return online ? 'Online' : 'Offline';
    if (this.style === 'native') return JSON.stringify({ event: online ? 'online' : 'offline' });
    const word = online ? 'online' : 'offline';
    return this.fleet.availabilityFormat === 'plain' ? word : JSON.stringify({ state: word });
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connects with the Last Will set, then says it is online (retained) and publishes its state. */
  async connect(): Promise<void> {
    const options: IClientOptions = {
      clientId: `sim-${this.name}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 23),
      protocolVersion: this.fleet.protocolVersion,
      reconnectPeriod: this.fleet.reconnectPeriod,
      connectTimeout: 5000,
      keepalive: 30,
      will: {
        topic: this.availabilityTopic,
        payload: Buffer.from(this.availabilityPayload(false)),
        qos: 1,
        retain: true,
      },
      ...(this.fleet.username !== undefined ? { username: this.fleet.username } : {}),
      ...(this.fleet.password !== undefined ? { password: this.fleet.password } : {}),
    };
    const client = connect(this.fleet.url, options);
    this.client = client;
    client.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await this.publish(this.availabilityTopic, this.availabilityPayload(true), { qos: 1, retain: true });
    if (this.style !== 'native') await this.publishState();
  }

  /** Changes some exposes and publishes the whole state (native: one event per changed signal). */
  async set(changes: Record<string, SensorValue>, options: PublishOptions = {}): Promise<void> {
    Object.assign(this.state, changes);
    if (this.style !== 'native') return this.publishState(options);
    for (const [event, value] of Object.entries(changes)) {
      if (typeof value !== 'boolean') continue;
      const payload = { event, active: value, id: `${this.name}-${++this.seq}`, at: Date.now() };
      await this.publish(this.eventTopic, JSON.stringify(payload), options);
    }
  }

  /**
   * What a device sends when nothing changed: Tasmota's STATE telemetry (every TelePeriod), a native heartbeat,
   * or (Zigbee2MQTT) its state again, as on an attribute report.
   */
  async heartbeat(): Promise<void> {
    if (this.style === 'native') return this.publish(this.eventTopic, JSON.stringify({ event: 'heartbeat' }));
    if (this.style === 'zigbee2mqtt') return this.publishState();
    const uptime = Math.round(process.uptime());
    const state = {
      Time: new Date().toISOString().slice(0, 19),
      Uptime: `0T00:00:${uptime % 60}`,
      POWER: 'ON',
    };
    return this.publish(`tele/${this.name}/STATE`, JSON.stringify(state));
  }

  async publishState(options: PublishOptions = {}): Promise<void> {
    await this.publish(this.stateTopic, JSON.stringify(this.state), options);
  }

  /** Anything on any topic; resolves when the broker acknowledged it (QoS 1) or it was written (QoS 0). */
  publish(topic: string, payload: string | Buffer, options: PublishOptions = {}): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error(`${this.name} is not connected`));
    return new Promise((resolve, reject) => {
      client.publish(
        topic,
        payload,
        { qos: options.qos ?? this.fleet.qos, retain: options.retain ?? false },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }

  /** The device drops off the network: its socket is destroyed without DISCONNECT, so the will fires. */
  async vanish(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    client.options.reconnectPeriod = 0;
    await new Promise<void>((resolve) => {
      client.stream.once('close', () => resolve());
      client.stream.destroy();
    });
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
  }

  /** A clean goodbye (DISCONNECT): the broker discards the will. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  }
}

export class SensorFleet {
  private readonly byName = new Map<string, SimulatedSensor>();

  constructor(readonly sensors: SimulatedSensor[]) {
    for (const s of sensors) this.byName.set(s.name, s);
  }

  sensor(name: string): SimulatedSensor {
    const s = this.byName.get(name);
    if (!s) throw new Error(`no simulated sensor ${name}`);
    return s;
  }

  async close(): Promise<void> {
    await Promise.all(this.sensors.map((s) => s.close()));
  }
}

/** Connects every sensor (each its own client and Last Will); they publish availability and state. */
export async function startSensors(options: SensorFleetOptions): Promise<SensorFleet> {
  const fleetOptions = {
    url: options.url,
    base: options.base ?? 'zigbee2mqtt',
    nativePrefix: options.nativePrefix ?? 'site',
    qos: options.qos ?? 1,
    availabilityFormat: options.availabilityFormat ?? 'json',
    protocolVersion: options.protocolVersion ?? 4,
    reconnectPeriod: options.reconnectPeriod ?? 200,
    username: options.username,
    password: options.password,
  };
  const sensors = options.sensors.map((spec) => new SimulatedSensor(spec.name, fleetOptions, spec));
  const fleet = new SensorFleet(sensors);
  try {
    await Promise.all(sensors.map((s) => s.connect()));
  } catch (err) {
    await fleet.close();
    throw err;
  }
  return fleet;
}

/** Leak sensors named `leak-001`…: a quick fleet for load runs. */
export function leakSensors(n: number, prefix = 'leak'): SensorSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `${prefix}-${String(i + 1).padStart(3, '0')}`,
    state: { water_leak: false, battery_low: false, tamper: false },
  }));
}
