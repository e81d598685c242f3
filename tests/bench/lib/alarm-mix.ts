import { seededRandom } from '../../../electron/hub/scenario';
/**
 * Realistic alarms for the alarm benchmark: the mix of a residential community's control room (door held open
 * and fire-lane parking most of the time, intrusion, leaks and faults often, smoke and entrapment now and then),
 * each in a zone of the demo site (翠湖花园) with a position inside that zone, a camera of the zone when it has
 * one, and the text a panel or detector would send. Deterministic for a given seed.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HubAlarm } from '../../../shared/contract';
import type { AlarmType } from '../../../shared/domain/alarm';

interface SiteZone {
  id: string;
  name: { 'zh-CN': string; en: string } | string;
  polygon: { lat: number; lon: number }[];
}
interface SiteCamera {
  id: string;
  zone: string;
}

const sitePath = join(dirname(fileURLToPath(import.meta.url)), '../../../resources/demo-site/site.json');
const site = JSON.parse(readFileSync(sitePath, 'utf8')) as { zones: SiteZone[]; cameras: SiteCamera[] };

export const ZONES = site.zones.map((z) => z.id);
const zoneName = new Map(
  site.zones.map((z) => [z.id, typeof z.name === 'string' ? z.name : z.name['zh-CN']]),
);
const zoneBox = new Map(
  site.zones.map((z) => {
    const lats = z.polygon.map((p) => p.lat);
    const lons = z.polygon.map((p) => p.lon);
    return [
      z.id,
      { lat0: Math.min(...lats), lat1: Math.max(...lats), lon0: Math.min(...lons), lon1: Math.max(...lons) },
    ];
  }),
);
const zoneCameras = new Map<string, string[]>();
for (const c of site.cameras) zoneCameras.set(c.zone, [...(zoneCameras.get(c.zone) ?? []), c.id]);

const BUILDINGS = ZONES.filter((z) => z.startsWith('bldg-'));

interface TypeSpec {
  type: AlarmType;
  /** Relative frequency. */
  weight: number;
  zones: string[];
  device: string;
  texts: string[];
}

/** Shares are those of a busy night in a 7-building community (door and parking nuisance dominate). */
export const MIX: TypeSpec[] = [
  {
    type: 'door_held',
    weight: 30,
    zones: BUILDINGS,
    device: 'door',
    texts: ['单元门常开超过 60 秒', '防火门未关闭', '地库门常开'],
  },
  {
    type: 'fire_lane_parking',
    weight: 12,
    zones: ['fire-lane', 'carpark-entrance'],
    device: 'lane-cam',
    texts: ['消防通道违停', '车辆占用消防登高面'],
  },
  {
    type: 'fire_facility_fault',
    weight: 10,
    zones: [...BUILDINGS, 'facility'],
    device: 'fp',
    texts: ['消防主机: 回路故障', '喷淋泵压力低', '手报按钮故障'],
  },
  {
    type: 'intrusion',
    weight: 8,
    zones: ['perimeter', 'gate-north', 'gate-south'],
    device: 'ir',
    texts: ['周界红外对射报警', '电子围栏触发', '夜间翻越报警'],
  },
  {
    type: 'water_leak',
    weight: 8,
    zones: [...BUILDINGS, 'facility'],
    device: 'leak',
    texts: ['水浸探测器报警', '地下室积水', '水泵房漏水'],
  },
  {
    type: 'lighting_fault',
    weight: 8,
    zones: ['garden-central', 'carpark-entrance', 'perimeter', ...BUILDINGS],
    device: 'light',
    texts: ['路灯回路断电', '楼道照明故障'],
  },
  {
    type: 'door_forced',
    weight: 5,
    zones: [...BUILDINGS, 'gate-north', 'gate-south'],
    device: 'door',
    texts: ['门禁强行开门', '单元门被撬报警'],
  },
  {
    type: 'patrol_missed',
    weight: 5,
    zones: ['perimeter', 'garden-central', 'carpark-entrance'],
    device: 'cp',
    texts: ['巡更点漏巡', '巡更超时未到'],
  },
  {
    type: 'smoke',
    weight: 4,
    zones: [...BUILDINGS, 'facility'],
    device: 'smoke',
    texts: ['感烟探测器报警', '楼道有烟'],
  },
  {
    type: 'camera_offline',
    weight: 4,
    zones: ['gate-south', 'gate-north', 'carpark-entrance', 'fire-lane', 'garden-central', 'perimeter'],
    device: 'nvr',
    texts: ['摄像机视频丢失', 'NVR 通道离线'],
  },
  {
    type: 'elevator_entrapment',
    weight: 3,
    zones: BUILDINGS,
    device: 'lift',
    texts: ['电梯困人, 五方通话呼叫', '电梯停梯困人'],
  },
  { type: 'gas', weight: 1, zones: [...BUILDINGS, 'facility'], device: 'gas', texts: ['可燃气体浓度超标'] },
  { type: 'fire', weight: 1, zones: [...BUILDINGS, 'facility'], device: 'fp', texts: ['火警: 手动报警按钮'] },
  {
    type: 'guard_sos',
    weight: 1,
    zones: ['perimeter', 'garden-central', 'carpark-entrance'],
    device: 'guard-phone',
    texts: ['保安一键求助'],
  },
];
const TOTAL_WEIGHT = MIX.reduce((s, m) => s + m.weight, 0);

/** The demo scenario's seeded generator: the same seed gives the same run. */
export const rng = seededRandom;

export function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

export function pickSpec(r: () => number): TypeSpec {
  let x = r() * TOTAL_WEIGHT;
  for (const m of MIX) {
    x -= m.weight;
    if (x < 0) return m;
  }
  return MIX[0]!;
}

export function positionIn(r: () => number, zone: string): { lat: number; lon: number } {
  const b = zoneBox.get(zone)!;
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return { lat: round(b.lat0 + r() * (b.lat1 - b.lat0)), lon: round(b.lon0 + r() * (b.lon1 - b.lon0)) };
}

export function camerasOf(zone: string): string[] {
  return zoneCameras.get(zone) ?? [];
}

export function zoneText(zone: string): string {
  return zoneName.get(zone) ?? zone;
}

/**
 * The i-th alarm of a run: a unique source id and a unique device (so no two are merged as re-triggers), the
 * hub-side publish time as `raisedAt` (the latency's start), a realistic type, zone, position, camera and text.
 * `withLocation: false` leaves the position out (a diagnostic: such alarms get no marker on the site map).
 */
export function liveAlarm(
  r: () => number,
  prefix: string,
  i: number,
  raisedAt: number,
  withLocation = true,
): HubAlarm {
  const spec = pickSpec(r);
  const zone = pick(r, spec.zones);
  const floor = 1 + Math.floor(r() * 18);
  const cams = camerasOf(zone);
  const location = positionIn(r, zone);
  return {
    sourceId: `${prefix}-${i}`,
    deviceId: `${spec.device}-${zone}-${floor}-${prefix}-${i}`,
    type: spec.type,
    zone,
    ...(withLocation ? { location } : {}),
    cameras: cams.length ? [pick(r, cams)] : [],
    raisedAt,
    text: `${zoneText(zone)} ${floor}F ${pick(r, spec.texts)}`,
  };
}
