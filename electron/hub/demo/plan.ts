/**
 * The demo site's equipment: which simulated device can raise which alarm, where. The demo site file
 * (resources/demo-site/site.json, `sources`) maps the same devices to the same zones; a unit test keeps the two
 * in step. The scenario picks from here, and the device then says it over its own protocol.
 */
import type { AlarmType } from '../../../shared/domain/alarm';
import type { SensorValue } from './mqtt-sensors';

/** The demo panel's account (unencrypted Contact ID over DC-09). */
export const DEMO_ACCOUNT = '1234';
/** The demo 用户信息传输装置's address. */
export const DEMO_TRANSMITTER_ADDRESS = 2601;

/** One of each for the demo site's seven residential buildings, `bldg-01` to `bldg-07`. */
function perBuilding<T>(make: (n: number, site: string) => T): T[] {
  return [1, 2, 3, 4, 5, 6, 7].map((n) => make(n, `bldg-0${n}`));
}

export interface PanelZone {
  zone: number;
  site: string;
  /** The Contact ID event code it reports (426 door held open, 131 perimeter). */
  code: string;
  type: AlarmType;
}

/** Contact ID zones 1–7: each building's unit door contact; 20: the perimeter infrared beams. */
export const PANEL_ZONES: readonly PanelZone[] = [
  ...perBuilding((n, site) => ({
    zone: n,
    site,
    code: '426',
    type: 'door_held' as const,
  })),
  { zone: 20, site: 'perimeter', code: '131', type: 'intrusion' },
];

export interface FireComponent {
  component: number;
  /** GB/T 26875.3 component type: 42 smoke detector, 24 hydrant button. */
  componentType: number;
  site: string;
  description: string;
}

/** The fire alarm control panels' components behind the transmitter: a smoke detector per building, the pump room's hydrant. */
export const FIRE_COMPONENTS: readonly FireComponent[] = [
  ...perBuilding((n, site) => ({
    component: 0x00010000 + n,
    componentType: 42,
    site,
    description: `${n}号楼电梯厅烟感`,
  })),
  { component: 0x00020001, componentType: 24, site: 'facility', description: '水泵房消火栓' },
];

export interface DemoSensor {
  name: string;
  site: string;
  /** The Zigbee2MQTT field that turns on (or, for a door contact, `contact` turning false). */
  field: 'water_leak' | 'smoke' | 'gas' | 'contact';
  type: AlarmType;
}

export const DEMO_SENSORS: readonly DemoSensor[] = [
  { name: 'leak-carpark-b1', site: 'carpark-entrance', field: 'water_leak', type: 'water_leak' },
  { name: 'leak-pump-room', site: 'facility', field: 'water_leak', type: 'water_leak' },
  { name: 'smoke-bldg-05', site: 'bldg-05', field: 'smoke', type: 'smoke' },
  { name: 'gas-bldg-03', site: 'bldg-03', field: 'gas', type: 'gas' },
  { name: 'gas-bldg-06', site: 'bldg-06', field: 'gas', type: 'gas' },
  { name: 'door-pump-room', site: 'facility', field: 'contact', type: 'door_forced' },
];

/** The demo ISAPI camera watching the east wall with a line-crossing rule. */
export const DEMO_CAMERA = { camera: 'cam-09', site: 'perimeter', region: 1 } as const;

/** What one demo device is made to say. */
export type DemoSignal =
  | { via: 'panel'; zone: number; code: string; restore: boolean }
  | { via: 'transmitter'; component: FireComponent; state: 'fire' | 'fault' | 'normal' }
  | { via: 'sensor'; name: string; changes: Record<string, SensorValue> }
  | { via: 'camera'; camera: string; eventType: 'linedetection'; region: number; active: boolean };

/** The signal that raises an alarm on a device, and the one that restores it. */
export interface DemoAct {
  raise: DemoSignal;
  restore: DemoSignal;
  /** Where the device is (the site zone its source maps it to). */
  zone: string;
}

/** Every device that can raise this type, as the acts that raise and restore it. */
export function actsFor(type: AlarmType): DemoAct[] {
  const acts: DemoAct[] = [];
  for (const z of PANEL_ZONES) {
    if (z.type !== type) continue;
    acts.push({
      raise: { via: 'panel', zone: z.zone, code: z.code, restore: false },
      restore: { via: 'panel', zone: z.zone, code: z.code, restore: true },
      zone: z.site,
    });
  }
  if (type === 'intrusion') {
    const cam = { via: 'camera', camera: DEMO_CAMERA.camera, eventType: 'linedetection' } as const;
    acts.push({
      raise: { ...cam, region: DEMO_CAMERA.region, active: true },
      restore: { ...cam, region: DEMO_CAMERA.region, active: false },
      zone: DEMO_CAMERA.site,
    });
  }
  for (const c of FIRE_COMPONENTS) {
    const state =
      type === 'smoke' && c.componentType === 42
        ? 'fire'
        : type === 'fire_facility_fault'
          ? 'fault'
          : undefined;
    if (!state) continue;
    acts.push({
      raise: { via: 'transmitter', component: c, state },
      restore: { via: 'transmitter', component: c, state: 'normal' },
      zone: c.site,
    });
  }
  for (const s of DEMO_SENSORS) {
    if (s.type !== type) continue;
    const on = s.field === 'contact' ? false : true;
    acts.push({
      raise: { via: 'sensor', name: s.name, changes: { [s.field]: on } },
      restore: { via: 'sensor', name: s.name, changes: { [s.field]: !on } },
      zone: s.site,
    });
  }
  return acts;
}
