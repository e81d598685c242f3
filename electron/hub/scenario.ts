import { z } from 'zod';
import { ALARM_TYPES, type AlarmType } from '../../shared/domain/alarm';
import { bearingDeg, centroid, distanceM, lerp, type LatLon } from '../../shared/domain/geo';
import { ZONE_KINDS, type SiteFile } from '../../shared/domain/site';
import { BothTexts } from '../../shared/domain/text';
import type { HubEventBody } from '../../shared/contract';
import type { Clock } from '../common/clock';
import { actsFor, FIRE_COMPONENTS, type DemoSignal } from './demo/plan';
import shippedAlarms from './scenario.alarms.json';
import {
  DEMO_EXPIRED_PLATE,
  DEMO_UNKNOWN_PLATE,
  DEMO_VISITOR_PLATE,
  demoResidentPlates,
} from '../../shared/domain/demo-vehicles';
import { seededRandom } from '../../shared/domain/random';

// Shared with the demo's vehicle records (one seed, one site); its users import it from here.
export { seededRandom };

const AlarmTemplate = z.object({
  type: z.enum(ALARM_TYPES),
  zoneKinds: z.array(z.enum(ZONE_KINDS)).min(1),
  weight: z.number().positive(),
  /** Worded in both console languages; the English also goes as `text` for a console that predates `texts`. */
  texts: BothTexts,
});

/** What a residential community's hub really sends, roughly as often as it does (scenario.alarms.json). */
const ALARMS = z.array(AlarmTemplate).min(1).parse(shippedAlarms);

export interface ScenarioOptions {
  site: SiteFile;
  clock: Clock;
  publish(body: HubEventBody): unknown;
  /**
   * The demo equipment (./demo/equipment.ts): an alarm a simulated device can raise is sent by that device over
   * its protocol, and restored by it later. Without it every alarm is published straight into the hub's log.
   */
  devices?: ((signal: DemoSignal) => boolean) | undefined;
  seed?: number;
  /** Seconds between guard position reports. */
  positionEverySec?: number;
  /** Mean seconds between alarms. */
  alarmEverySec?: number;
  /** Walking speed of guards on patrol, m/s. */
  walkSpeed?: number;
  /** Mean seconds between plate reads at the site's gates (issue 17). */
  vehicleEverySec?: number;
}

/**
 * Plays the demo community: guards walk their routes, detectors and devices raise events. An alarm a demo device
 * can raise (./demo/plan.ts) is said by that device over its protocol when `devices` is given; the rest, the
 * guards' positions and the device faults are published into the hub's log directly.
 */
export class DemoScenario {
  private timers: unknown[] = [];
  private readonly random: () => number;
  private readonly progress = new Map<string, number>();
  private alarmCount = 0;
  /** Guards sent somewhere by an operator: they walk there, stay until the alarm is resolved, then walk back. */
  private readonly errands = new Map<
    string,
    { target: LatLon; alarmSourceId: string; at: LatLon; phase: 'going' | 'there' | 'back'; backTo?: LatLon }
  >();

  constructor(private readonly o: ScenarioOptions) {
    this.random = seededRandom(o.seed ?? 20261124);
    this.vehicleRandom = seededRandom(((o.seed ?? 20261124) ^ 0x5eed) >>> 0);
  }

  start(): void {
    const { clock } = this.o;
    this.timers.push(clock.setInterval(() => this.reportPositions(), (this.o.positionEverySec ?? 3) * 1000));
    this.reportPositions();
    this.scheduleAlarm(4000);
    this.scheduleDeviceFault();
    this.scheduleFacilityFault();
    if (this.o.site.gates.length > 0) this.scheduleVehicle(3000);
  }

  stop(): void {
    for (const t of this.timers) {
      this.o.clock.clearInterval(t);
      this.o.clock.clearTimeout(t);
    }
    this.timers = [];
  }

  /** Where a guard is after walking `metres` along his route loop. */
  positionOnRoute(points: LatLon[], metres: number): { position: LatLon; bearing: number } {
    const legs = points.map((p, i) => [p, points[(i + 1) % points.length]!] as const);
    const total = legs.reduce((s, [a, b]) => s + distanceM(a, b), 0) || 1;
    let left = metres % total;
    for (const [a, b] of legs) {
      const len = distanceM(a, b);
      if (left <= len) return { position: lerp(a, b, len === 0 ? 0 : left / len), bearing: bearingDeg(a, b) };
      left -= len;
    }
    return { position: points[0]!, bearing: 0 };
  }

  /** A console's action reached the hub: a dispatch sends the guard off his route; a resolve brings him back. */
  onAction(action: { type: string; payload: unknown }): void {
    const p = action.payload as {
      guardId?: string;
      alarm?: { sourceId?: string };
      location?: LatLon | null;
    } | null;
    if (action.type === 'guard.dispatch' && p?.guardId && p.location) {
      const from = this.lastPosition.get(p.guardId);
      if (!from) return;
      this.errands.set(p.guardId, {
        target: p.location,
        alarmSourceId: p.alarm?.sourceId ?? '',
        at: from,
        phase: 'going',
        backTo: from,
      });
    } else if (action.type === 'alarm.resolved' || action.type === 'alarm.resolve') {
      for (const errand of this.errands.values()) {
        if (errand.alarmSourceId && errand.alarmSourceId === p?.alarm?.sourceId) errand.phase = 'back';
      }
    }
  }

  private readonly lastPosition = new Map<string, LatLon>();

  /** One step of a guard on an errand; undefined when he is back on his route. */
  private errandStep(guardId: string, metres: number): { position: LatLon; bearing: number } | undefined {
    const errand = this.errands.get(guardId);
    if (!errand) return undefined;
    const goal = errand.phase === 'back' ? errand.backTo! : errand.target;
    const d = distanceM(errand.at, goal);
    if (errand.phase === 'there') {
      return { position: errand.at, bearing: 0 };
    }
    if (d <= metres) {
      errand.at = goal;
      if (errand.phase === 'going') errand.phase = 'there';
      else this.errands.delete(guardId);
      return { position: goal, bearing: bearingDeg(errand.at, goal) };
    }
    const bearing = bearingDeg(errand.at, goal);
    errand.at = lerp(errand.at, goal, metres / d);
    return { position: errand.at, bearing };
  }

  private reportPositions(): void {
    const { site, clock } = this.o;
    const every = this.o.positionEverySec ?? 3;
    site.guards.forEach((guard, index) => {
      const route = site.routes.find((r) => r.id === guard.route);
      let position: LatLon;
      let bearing = 0;
      let speed = 0;
      const errand = this.errandStep(guard.id, (this.o.walkSpeed ?? 1.3) * 1.6 * every);
      if (errand) {
        ({ position, bearing } = errand);
        speed = this.errands.get(guard.id)?.phase === 'there' ? 0 : (this.o.walkSpeed ?? 1.3) * 1.6;
      } else if (route) {
        const walked = (this.progress.get(guard.id) ?? index * 60) + (this.o.walkSpeed ?? 1.3) * every;
        this.progress.set(guard.id, walked);
        ({ position, bearing } = this.positionOnRoute(
          route.checkpoints.map((c) => c.position),
          walked,
        ));
        speed = this.o.walkSpeed ?? 1.3;
      } else {
        // A fixed post (the gate guard) stands still, give or take GPS noise.
        const gate = site.zones.find((z) => z.kind === 'gate') ?? site.zones[0];
        const c = gate ? centroid(gate.polygon) : site.plan.bounds.southWest;
        position = {
          lat: c.lat + (this.random() - 0.5) * 0.00003,
          lon: c.lon + (this.random() - 0.5) * 0.00003,
        };
      }
      this.lastPosition.set(guard.id, position);
      void this.o.publish({
        kind: 'position',
        data: {
          guardId: guard.id,
          position,
          at: clock.now(),
          speed,
          bearing,
          accuracy: 4 + Math.round(this.random() * 6),
          battery: Math.max(15, 95 - (Math.floor(clock.now() / 600_000) % 80)),
        },
      });
    });
  }

  private scheduleAlarm(delayMs?: number): void {
    const mean = (this.o.alarmEverySec ?? 25) * 1000;
    const delay = delayMs ?? Math.round(mean * (0.4 + this.random() * 1.2));
    this.timers.push(
      this.o.clock.setTimeout(() => {
        this.raiseAlarm();
        this.scheduleAlarm();
      }, delay),
    );
  }

  raiseAlarm(): void {
    const { site, clock } = this.o;
    const candidates = ALARMS.filter((a) => site.zones.some((z) => a.zoneKinds.includes(z.kind)));
    const total = candidates.reduce((s, a) => s + a.weight, 0);
    let pick = this.random() * total;
    const template = candidates.find((a) => (pick -= a.weight) <= 0) ?? candidates[0];
    if (!template) return;
    if (this.o.devices && this.raiseOnDevice(template.type, this.o.devices)) return;
    const zones = site.zones.filter((z) => template.zoneKinds.includes(z.kind));
    const zone = zones[Math.floor(this.random() * zones.length)]!;
    // A perimeter zone is a ring: its centroid is the garden in the middle, so alarms go on the wall itself.
    const c =
      zone.kind === 'perimeter'
        ? zone.polygon[Math.floor(this.random() * zone.polygon.length)]!
        : centroid(zone.polygon);
    const detector = 1 + Math.floor(this.random() * 3);
    this.alarmCount += 1;
    void this.o.publish({
      kind: 'alarm',
      data: {
        sourceId: `demo-${clock.now()}-${this.alarmCount}`,
        deviceId: `det-${zone.id}-${detector}`,
        type: template.type,
        zone: zone.id,
        location: {
          lat: c.lat + (this.random() - 0.5) * 0.0001,
          lon: c.lon + (this.random() - 0.5) * 0.0001,
        },
        cameras: site.cameras
          .filter((cam) => cam.zone === zone.id)
          .map((cam) => cam.id)
          .slice(0, 4),
        raisedAt: clock.now(),
        text: template.texts.en,
        texts: template.texts,
      },
    });
  }

  /** A device that can raise this type says it, and later says it is over; false when none can. */
  private raiseOnDevice(type: AlarmType, devices: (signal: DemoSignal) => boolean): boolean {
    const acts = actsFor(type);
    const act = acts[Math.floor(this.random() * acts.length)];
    if (!act || !devices(act.raise)) return false;
    // As the real devices restore: a door closes in a minute or two, a cleared fire panel is reset in minutes.
    const restoreSec = act.raise.via === 'camera' ? 5 + this.random() * 15 : 30 + this.random() * 150;
    this.timers.push(this.o.clock.setTimeout(() => void devices(act.restore), Math.round(restoreSec * 1000)));
    return true;
  }

  /**
   * The demo's facility fault (issue 18): the pump room's hydrant reports low pressure through the GB/T 26875
   * transmitter 20 s after the start (or after one mean alarm interval, if longer: a scenario told to be quiet
   * stays quiet), so the facilities view has a work order made from a real device fault; restored 20 min later.
   * No random draw: the seeded sequence of everything else is unchanged.
   */
  private scheduleFacilityFault(): void {
    const devices = this.o.devices;
    const hydrant = FIRE_COMPONENTS.find((c) => c.componentType === 24);
    if (!devices || !hydrant) return;
    const { clock } = this.o;
    const after = Math.max(20, this.o.alarmEverySec ?? 25) * 1000;
    this.timers.push(
      clock.setTimeout(() => {
        if (!devices({ via: 'transmitter', component: hydrant, state: 'fault' })) return;
        this.timers.push(
          clock.setTimeout(
            () => void devices({ via: 'transmitter', component: hydrant, state: 'normal' }),
            20 * 60_000,
          ),
        );
      }, after),
    );
  }

  private scheduleDeviceFault(): void {
    const { site, clock } = this.o;
    this.timers.push(
      clock.setTimeout(
        () => {
          const zone = site.zones[Math.floor(this.random() * site.zones.length)];
          const kinds = ['detector', 'access', 'lighting', 'pump'] as const;
          const kind = kinds[Math.floor(this.random() * kinds.length)]!;
          const deviceId = `${kind}-${zone?.id ?? 'site'}-1`;
          void this.o.publish({
            kind: 'device',
            data: {
              deviceId,
              kind,
              state: 'fault',
              zone: zone?.id,
              text: 'device fault',
              texts: { 'zh-CN': '设备离线或故障', en: 'device fault' },
              at: clock.now(),
            },
          });
          this.timers.push(
            clock.setTimeout(
              () => {
                void this.o.publish({
                  kind: 'device',
                  data: {
                    deviceId,
                    kind,
                    state: 'ok',
                    zone: zone?.id,
                    text: 'device recovered',
                    texts: { 'zh-CN': '设备恢复', en: 'device recovered' },
                    at: clock.now(),
                  },
                });
              },
              Math.round(60_000 + this.random() * 120_000),
            ),
          );
          this.scheduleDeviceFault();
        },
        90_000 + this.random() * 180_000,
      ),
    );
  }
  private vehicleStep = 0;
  /**
   * The gates' own draws, seeded from the scenario's seed: the plate reads do not shift the alarms' sequence, so a
   * seed still names the same alarms at the same times (tests rely on seed 1's door held open at 4 s).
   */
  private readonly vehicleRandom: () => number;
  private readonly parked: string[] = [];

  private scheduleVehicle(delayMs?: number): void {
    const mean = (this.o.vehicleEverySec ?? 15) * 1000;
    const delay = delayMs ?? Math.round(mean * (0.5 + this.vehicleRandom()));
    this.timers.push(
      this.o.clock.setTimeout(() => {
        this.readPlate();
        this.scheduleVehicle();
      }, delay),
    );
  }

  /**
   * The next plate read: first the cases a gate desk meets (a resident in, an unknown car, a resident whose permit
   * ran out, the expected visitor in and out, a resident's plate misread), then residents coming and going.
   */
  readPlate(): void {
    const { site, clock } = this.o;
    const gates = site.gates;
    const residents = demoResidentPlates(clock.now(), site.timeZone);
    const step = this.vehicleStep++;
    const gate = gates[step % gates.length]!;
    const resident = () => residents[Math.floor(this.vehicleRandom() * residents.length)]!;
    let plate: string;
    let direction: 'in' | 'out' = 'in';
    let confidence = 0.9 + this.vehicleRandom() * 0.09;
    switch (step) {
      case 0:
        plate = resident();
        break;
      case 1:
        plate = DEMO_UNKNOWN_PLATE;
        break;
      case 2:
        plate = DEMO_EXPIRED_PLATE;
        break;
      case 3:
        plate = DEMO_VISITOR_PLATE;
        break;
      case 5:
        // A bolt over a digit: the camera reads a resident's 0 as D (the desk offers the record as close).
        plate = resident().replace(/0/, 'D');
        confidence = 0.62;
        break;
      case 8:
        plate = DEMO_VISITOR_PLATE;
        direction = 'out';
        break;
      default: {
        direction = this.parked.length > 3 && this.vehicleRandom() < 0.5 ? 'out' : 'in';
        plate = direction === 'out' ? this.parked.shift()! : resident();
      }
    }
    // Residents park and leave later; the unknown car, the expired permit and the visitor have their own script.
    if (direction === 'in' && step > 3) this.parked.push(plate);
    void this.o.publish({
      kind: 'vehicle',
      data: {
        readId: `demo-read-${clock.now()}-${step}`,
        gateId: gate.id,
        direction,
        plate,
        confidence: Math.round(confidence * 100) / 100,
        at: clock.now(),
        ...(gate.camera ? { picture: `${gate.camera}/${clock.now()}.jpg` } : {}),
      },
    });
  }
}
