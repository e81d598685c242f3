import type { HubDevice } from '../../../shared/contract';
import type { AlarmType } from '../../../shared/domain/alarm';

/**
 * Which alarm a faulty or offline device raises: the fire system's parts are a fire-facility fault (GB 25201
 * keeps those together), a camera is a camera gone, lights are a lighting fault; any other device (an alarm
 * panel, its zones, a sensor, a door controller) is a device fault.
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

export function deviceFaultType(kind: HubDevice['kind']): AlarmType {
  return BY_KIND[kind];
}
