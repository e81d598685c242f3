import type { HubDevice, HubOrigin } from '../../../shared/contract';
import type { AlarmType } from '../../../shared/domain/alarm';
import { ORIGIN_MAX_CHARS } from './migration';

/**
 * Which alarm a faulty or offline device raises: the fire system's parts are a fire-facility fault (GB 25201
 * keeps those together), a camera is a camera gone, lights are a lighting fault; any other device (an alarm
 * panel, its zones, a sensor, a door controller) is a device fault, or a device offline when it went silent.
 */
const BY_KIND: Record<HubDevice['kind'], AlarmType> = {
  fire_panel: 'fire_facility_fault',
  fire_transmitter: 'fire_facility_fault',
  fire_component: 'fire_facility_fault',
  detector: 'fire_facility_fault',
  pump: 'fire_facility_fault',
  camera: 'camera_offline',
  lighting: 'lighting_fault',
  alarm_panel: 'device_fault',
  panel_zone: 'device_fault',
  sensor: 'device_fault',
  access: 'device_fault',
  elevator: 'device_fault',
  other: 'device_fault',
};

/**
 * A device that stopped reporting (`offline`) is `device_offline` — the type the site hub raises itself for a
 * supervised silence, so its alarm and this one meet on the same open alarm (same device, same type: a
 * re-trigger) instead of showing twice; fire parts and cameras keep their own types either way.
 */
export function deviceFaultType(kind: HubDevice['kind'], state: 'fault' | 'offline' | string): AlarmType {
  const type = BY_KIND[kind];
  return type === 'device_fault' && state === 'offline' ? 'device_offline' : type;
}

/**
 * The origin as stored: JSON within the column's bound. A valid origin can exceed it only by escapes (control
 * characters take six each in JSON), so long values are cut first and, should that not do, the last fields go:
 * the alarm itself must never be lost to what its equipment said about it.
 */
export function originJson(origin: HubOrigin | undefined, max = ORIGIN_MAX_CHARS): string | null {
  if (!origin) return null;
  let json = JSON.stringify(origin);
  if (json.length <= max) return json;
  const entries = Object.entries(origin.fields).map(
    ([k, v]) => [k, typeof v === 'string' ? v.slice(0, 40) : v] as const,
  );
  for (let n = entries.length; n >= 0; n--) {
    json = JSON.stringify({ ...origin, fields: Object.fromEntries(entries.slice(0, n)) });
    if (json.length <= max) return json;
  }
  return JSON.stringify({ source: origin.source });
}
