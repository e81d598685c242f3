/**
 * The demo site's vehicles (issue 17): resident records the demo console seeds and the plates the demo hub's gate
 * cameras read, made from one seed so the two agree. Not real people: names and numbers are generated.
 */
import type { VehicleView } from '../contract/vehicles';
import { seededRandom } from './random';

export type DemoVehicle = Omit<VehicleView, 'id' | 'updatedAt'>;

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高';
const GIVEN = ['伟', '芳', '敏', '静', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超'];
const COLOURS = ['白色', '黑色', '银色', '灰色', '蓝色', '红色'];
const SERIAL = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/** A car the demo's records do not have (the gate's unknown car). */
export const DEMO_UNKNOWN_PLATE = '苏E7K2M9';
/** A visitor the demo console expects (pre-registered); the gate reads it later. */
export const DEMO_VISITOR_PLATE = '浙B3Q8T1';
/** Whom the demo's expected visitor comes to see, as the desk pre-registered it. */
export const DEMO_VISITOR = {
  plate: DEMO_VISITOR_PLATE,
  building: '3栋',
  room: '1202',
  host: '陈女士',
  phone: '13800001234',
  purpose: '探亲',
} as const;
/** A resident whose permit ran out last month. */
export const DEMO_EXPIRED_PLATE = '浙A5X7P2';
/** A resident the demo's guard found in the fire lane (its violation is seeded; issue 17). */
export const DEMO_FIRE_LANE_PLATE = '浙A6N2H8';
/** How many resident records the demo has. */
export const DEMO_VEHICLE_COUNT = 36;

function day(at: number, timeZone: string, offsetDays: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at + offsetDays * 86_400_000);
}

/** The demo's resident vehicles; permits run around `now` (the expired one ended 30 days before it). */
export function demoVehicles(now: number, timeZone: string): DemoVehicle[] {
  const next = seededRandom(20261201);
  const pick = <T>(list: readonly T[] | string): T => list[Math.floor(next() * list.length)] as T;
  const out: DemoVehicle[] = [];
  const plates = new Set<string>([DEMO_UNKNOWN_PLATE, DEMO_VISITOR_PLATE]);
  for (let i = 0; out.length < DEMO_VEHICLE_COUNT; i++) {
    const electric = i % 5 === 0;
    const serial = electric
      ? `D${pick<string>(SERIAL)}${String(1000 + Math.floor(next() * 9000))}`
      : Array.from({ length: 5 }, () => pick<string>(i % 2 ? '0123456789' : SERIAL)).join('');
    const plate = i === 0 ? DEMO_EXPIRED_PLATE : i === 1 ? DEMO_FIRE_LANE_PLATE : `浙A${serial}`;
    if (plates.has(plate)) continue;
    plates.add(plate);
    const building = 1 + (i % 6);
    out.push({
      plate,
      series: electric && i !== 0 ? 'new_energy' : 'standard',
      owner: `${pick<string>(SURNAMES)}${pick(GIVEN)}${next() < 0.5 ? pick(GIVEN) : ''}`,
      building: `${building}栋`,
      unit: `${1 + Math.floor(next() * 2)}单元`,
      room: String(100 * (1 + Math.floor(next() * 18)) + 1 + Math.floor(next() * 4)),
      phones: [`13${Math.floor(100_000_000 + next() * 899_999_999)}`],
      kind: next() < 0.2 ? 'suv' : 'car',
      colour: pick(COLOURS),
      permit: {
        kind: i % 3 === 0 ? 'owned_space' : 'monthly',
        number: `P${String(2026000 + i)}`,
        space: `B1-${String(1 + i).padStart(3, '0')}`,
        validFrom: day(now, timeZone, -300),
        validTo: i === 0 ? day(now, timeZone, -30) : day(now, timeZone, 60 + i),
      },
      notes: '',
      blacklisted: false,
    });
  }
  return out;
}

/** The plates of the demo's residents with a valid permit (what the gates read most). */
export function demoResidentPlates(now: number, timeZone: string): string[] {
  return demoVehicles(now, timeZone)
    .filter((v) => v.plate !== DEMO_EXPIRED_PLATE)
    .map((v) => v.plate);
}
