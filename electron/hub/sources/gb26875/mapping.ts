/**
 * State bits and operations of GB/T 26875.3 → the hub's source reports.
 *
 * A state object carries the whole state word of its system, component or transmitter, so what happened is the
 * difference from the word seen before: a bit that comes on opens an alarm (火警 → fire, or smoke / gas by 部件类型;
 * 故障, 监管, power and bus faults → fire_facility_fault), the last bit of a group that goes off restores it, and
 * 屏蔽, 启动, 反馈, 延时 are info. When nothing was seen before (first contact, a hub restart) a clear group is
 * still sent as a restore: the hub closes what is open and ignores the rest. A 复位 of a system (its state bit 13
 * or the 复位 operation) restores every alarm remembered for its components.
 *
 * The words and bits are in tables.ts. The previous words live in `StateMemory` (memory.ts); the receiver
 * stages a frame's changes and keeps them only once its reports are committed, so a frame sent again after a
 * failed commit yields the same reports with the same keys.
 */
import { createHash } from 'node:crypto';
import type { AlarmType } from '../../../../shared/domain/alarm';
import type { LatLon } from '../../../../shared/domain/geo';
import { worded, type SourceOrigin, type SourceReport } from '../source';
import type { AduObject, AppData } from './app-data';
import { placementOf, type ResolvedProfile } from './config';
import type { Remembered, Staging } from './memory';
import {
  COMPONENT_FAULTS,
  componentTypeName,
  DISABLED,
  FIRE,
  INFO_ON,
  names,
  OPERATION_BITS,
  RESET,
  STATE_BITS,
  SYSTEM_FAULTS,
  systemTypeName,
  TRANSMITTER_BITS,
  TRANSMITTER_FAULTS,
  TRANSMITTER_OPERATION_BITS,
  fireTypeOf,
  type Named,
} from './tables';

export interface MapContext {
  sourceId: string;
  profile: ResolvedProfile;
  serial: number;
  /** When the hub read the frame: the `at` of an object whose time tag does not read as a date. */
  receivedAt: number;
  /** Reads a 6-byte time tag with the transmitter's profile. */
  readTime(bytes: Uint8Array): number | undefined;
}

export interface Mapped {
  reports: SourceReport[];
  /** A 查岗应答 came (type 24, bit 5). */
  inspectionAnswered: boolean;
  /** The transmitter's clock (a type 28 object), for the 校时 check. */
  transmitterTime?: number;
}

export function transmitterDeviceId(sourceId: string, address: string): string {
  return `${sourceId}:${address}`;
}

export function transmitterDevice(ctx: Pick<MapContext, 'sourceId' | 'profile'>): SourceReport['device'] {
  return {
    id: transmitterDeviceId(ctx.sourceId, ctx.profile.address),
    kind: 'fire_transmitter',
    ...(ctx.profile.name !== undefined ? { label: ctx.profile.name } : {}),
  };
}

/** The 用户信息传输装置 itself, by its address. */
function transmitterWhat(address: string): { zh: string; en: string } {
  return { zh: `用户信息传输装置 ${address}`, en: `transmitter ${address}` };
}

function shortHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** A system's origin (and the start of its components'): the frame's fields, the system's type and address. */
function systemOrigin(
  base: Record<string, string | number | boolean>,
  o: { systemType: number; systemAddress: number },
  sys: { zh: string; en: string },
): Record<string, string | number | boolean> {
  return {
    ...base,
    systemType: o.systemType,
    systemTypeZh: sys.zh,
    systemTypeEn: sys.en,
    systemAddress: o.systemAddress,
  };
}

/** A fire system (type 1 state, type 4 operations): its controller, by system type and address. */
function systemTarget(
  ctx: MapContext,
  o: { systemType: number; systemAddress: number },
  base: Record<string, string | number | boolean>,
): { system: string; target: Target } {
  const sys = systemTypeName(o.systemType);
  const system = `${o.systemType}.${o.systemAddress}`;
  const id = `${transmitterDeviceId(ctx.sourceId, ctx.profile.address)}:${system}`;
  const target: Target = {
    id,
    device: { id, kind: 'fire_component', label: `${sys.zh} ${o.systemAddress}` },
    ...placementOf(ctx.profile, { systemType: o.systemType, system: o.systemAddress }),
    fireType: 'fire',
    faults: SYSTEM_FAULTS,
    info: INFO_ON,
    table: STATE_BITS,
    origin: systemOrigin(base, o, sys),
    what: { zh: `${sys.zh} ${o.systemAddress}`, en: `${sys.en} ${o.systemAddress}` },
  };
  return { system, target };
}

/** The 用户信息传输装置 itself (type 21 state, type 24 operations). */
function transmitterTarget(ctx: MapContext, base: Record<string, string | number | boolean>): Target {
  const device = transmitterDevice(ctx);
  return {
    id: device.id,
    device,
    ...placementOf(ctx.profile, {}),
    fireType: 'fire',
    faults: TRANSMITTER_FAULTS,
    info: 0,
    table: TRANSMITTER_BITS,
    origin: base,
    what: transmitterWhat(ctx.profile.address),
  };
}

/** The reports of one application data unit, in object order. */
export function mapAppData(adu: AppData, ctx: MapContext, staging: Staging): Mapped {
  const out: Mapped = { reports: [], inspectionAnswered: false };
  adu.objects.forEach(({ object, raw }, index) => {
    const keyBase = `gb26875:${ctx.sourceId}:${ctx.profile.address}:${ctx.serial}:${index}:${shortHash(raw)}`;
    mapObject(object, keyBase, ctx, staging, out);
  });
  return out;
}

function mapObject(o: AduObject, keyBase: string, ctx: MapContext, staging: Staging, out: Mapped): void {
  const at = (time: Uint8Array) => ctx.readTime(time) ?? ctx.receivedAt;
  const base: Record<string, string | number | boolean> = {
    transmitter: ctx.profile.address,
    serial: ctx.serial,
    aduType: o.type,
  };
  if (ctx.profile.name !== undefined) base.transmitterName = ctx.profile.name;
  switch (o.type) {
    case 1: {
      const { system, target } = systemTarget(ctx, o, base);
      stateReports(target, o.state, at(o.time), keyBase, staging, out);
      if (o.state & (1 << RESET)) resetSystem(system, target, at(o.time), keyBase, staging, out);
      return;
    }
    case 2: {
      const sys = systemTypeName(o.systemType);
      const comp = componentTypeName(o.componentType);
      const system = `${o.systemType}.${o.systemAddress}`;
      const id = `${transmitterDeviceId(ctx.sourceId, ctx.profile.address)}:${system}:${o.componentAddress}`;
      const loop = o.componentAddress >>> 16;
      const point = o.componentAddress & 0xffff;
      const addressHex = `0x${o.componentAddress.toString(16).padStart(8, '0')}`;
      const placed = placementOf(ctx.profile, {
        systemType: o.systemType,
        system: o.systemAddress,
        component: o.componentAddress,
      });
      const target: Target = {
        id,
        device: { id, kind: 'fire_component', ...(o.description ? { label: o.description } : {}) },
        ...placed,
        memberOf: system,
        fireType: fireTypeOf(o.componentType),
        faults: COMPONENT_FAULTS,
        info: INFO_ON & 0x1ff,
        table: STATE_BITS.slice(0, 9),
        origin: {
          ...systemOrigin(base, o, sys),
          componentType: o.componentType,
          componentTypeZh: comp.zh,
          componentTypeEn: comp.en,
          componentAddress: o.componentAddress,
          componentAddressHex: addressHex,
          loop,
          point,
          description: o.description,
        },
        what: {
          zh:
            `${sys.zh} ${o.systemAddress} ${comp.zh} ${addressHex}（回路 ${loop}，点位 ${point}）` +
            (o.description ? `：${o.description}` : ''),
          en:
            `${comp.en} ${addressHex} (loop ${loop}, point ${point}) of ${sys.en} ${o.systemAddress}` +
            (o.description ? `: ${o.description}` : ''),
        },
      };
      stateReports(target, o.state, at(o.time), keyBase, staging, out);
      return;
    }
    case 4: {
      const { system, target } = systemTarget(ctx, o, base);
      operationReports(target, o.operation, o.operator, OPERATION_BITS, at(o.time), keyBase, out);
      if (o.operation & 1) resetSystem(system, target, at(o.time), keyBase, staging, out);
      return;
    }
    case 21: {
      const target = transmitterTarget(ctx, base);
      stateReports(target, o.state, at(o.time), keyBase, staging, out);
      return;
    }
    case 24: {
      const target = transmitterTarget(ctx, base);
      operationReports(target, o.operation, o.operator, TRANSMITTER_OPERATION_BITS, at(o.time), keyBase, out);
      if (o.operation & (1 << 5)) out.inspectionAnswered = true;
      if (o.operation & 1) restoreTarget(target, at(o.time), keyBase, staging, out);
      return;
    }
    case 28: {
      const t = ctx.readTime(o.time);
      if (t !== undefined) out.transmitterTime = t;
      return;
    }
    default:
      // 3 (analog values), 90 and 91 (the centre's own commands) say nothing the alarm queue needs.
      return;
  }
}

interface Target {
  id: string;
  device: SourceReport['device'];
  zone?: string;
  cameras?: string[];
  location?: LatLon;
  /** Set for a component: the system (`<type>.<address>`) whose 复位 restores it. */
  memberOf?: string;
  fireType: AlarmType;
  faults: number;
  /** Bits that are info when they come on (屏蔽 also when it goes off); none for the transmitter's own word. */
  info: number;
  table: readonly Named[];
  origin: SourceOrigin;
  /** What it is, in both languages, for the report's text. */
  what: { zh: string; en: string };
}

function report(
  target: Pick<Target, 'device' | 'zone' | 'cameras' | 'location'>,
  fields: Omit<SourceReport, 'device' | 'zone' | 'cameras' | 'location'>,
): SourceReport {
  return {
    ...fields,
    device: target.device,
    ...(target.zone !== undefined ? { zone: target.zone } : {}),
    ...(target.cameras !== undefined ? { cameras: target.cameras } : {}),
    ...(target.location !== undefined ? { location: target.location } : {}),
  };
}

function stateReports(
  t: Target,
  state: number,
  at: number,
  keyBase: string,
  staging: Staging,
  out: Mapped,
): void {
  const known = staging.get(t.id);
  const prev = known?.state;
  const all = names(state, t.table);
  const origin: SourceOrigin = {
    ...t.origin,
    state,
    stateHex: `0x${state.toString(16).padStart(4, '0')}`,
    stateBits: all.keys,
    stateBitsEn: all.en,
    stateBitsZh: all.zh,
    mode: state & 1 ? 'normal' : 'test',
  };
  const groups: { type: AlarmType; bits: number; tag: string }[] = [
    { type: t.fireType, bits: FIRE, tag: 'fire' },
    { type: 'fire_facility_fault', bits: t.faults, tag: 'fault' },
  ];
  for (const g of groups) {
    const now = state & g.bits;
    const before = prev === undefined ? undefined : prev & g.bits;
    const rising = now & ~(before ?? 0);
    if (now !== 0 && (before === undefined || rising !== 0)) {
      const why = names(before === undefined ? now : rising, t.table);
      out.reports.push(
        report(t, {
          key: `${keyBase}:alarm:${g.tag}`,
          kind: 'alarm',
          type: g.type,
          at,
          ...worded(`${why.zh}：${t.what.zh}`, `${why.en}: ${t.what.en}`),
          origin: { ...origin, bits: why.keys, bitsEn: why.en, bitsZh: why.zh },
        }),
      );
    } else if (now === 0 && (before === undefined || before !== 0)) {
      const why = names(before ?? 0, t.table);
      out.reports.push(
        report(t, {
          key: `${keyBase}:restore:${g.tag}`,
          kind: 'restore',
          type: g.type,
          at,
          ...worded(
            `${why.zh ? `${why.zh}` : ''}恢复：${t.what.zh}`,
            `restored${why.en ? ` (${why.en})` : ''}: ${t.what.en}`,
          ),
          origin: { ...origin, bits: why.keys, bitsEn: why.en, bitsZh: why.zh },
        }),
      );
    }
  }
  const infoOn = state & t.info & ~(prev ?? 0);
  const infoOff = prev === undefined ? 0 : prev & t.info & DISABLED & ~state;
  if (infoOn !== 0 || infoOff !== 0) {
    const on = names(infoOn, t.table);
    const off = names(infoOff, t.table);
    const en = [on.en, off.en && `${off.en} ended`].filter(Boolean).join('; ');
    const zh = [on.zh, off.zh && `${off.zh}解除`].filter(Boolean).join('；');
    out.reports.push(
      report(t, {
        key: `${keyBase}:info:${state}`,
        kind: 'event',
        at,
        ...worded(`${zh}：${t.what.zh}`, `${en}: ${t.what.en}`),
        origin: { ...origin, bits: [on.keys, off.keys].filter(Boolean).join(','), bitsEn: en, bitsZh: zh },
      }),
    );
  }
  staging.set(t.id, {
    state,
    ...(t.memberOf !== undefined ? { system: t.memberOf } : {}),
    report: {
      device: t.device,
      ...(t.zone ? { zone: t.zone } : {}),
      ...(t.cameras ? { cameras: t.cameras } : {}),
      ...(t.location ? { location: t.location } : {}),
    },
    fireType: t.fireType,
    faults: t.faults,
    origin: t.origin,
  });
}

function operationReports(
  t: Target,
  operation: number,
  operator: number,
  table: readonly Named[],
  at: number,
  keyBase: string,
  out: Mapped,
): void {
  const ops = names(operation, table);
  const origin: SourceOrigin = {
    ...t.origin,
    operation,
    operationBits: ops.keys,
    operationBitsEn: ops.en,
    operationBitsZh: ops.zh,
    operator,
  };
  if (operation & (1 << 2)) {
    out.reports.push(
      report(t, {
        key: `${keyBase}:alarm:manual`,
        kind: 'alarm',
        type: 'fire',
        at,
        ...worded(`手动报警：${t.what.zh}`, `manual alarm at ${t.what.en}`),
        origin: { ...origin, bits: 'manual_alarm', bitsEn: 'manual alarm', bitsZh: '手动报警' },
      }),
    );
  }
  if (operation !== 0) {
    out.reports.push(
      report(t, {
        key: `${keyBase}:info:op`,
        kind: 'event',
        at,
        ...worded(
          `${ops.zh}（操作员 ${operator}）：${t.what.zh}`,
          `${ops.en} (operator ${operator}): ${t.what.en}`,
        ),
        origin,
      }),
    );
  }
}

/** A 复位 of a system: its components' remembered alarms are restored, and so is the system's own. */
function resetSystem(
  system: string,
  sys: Target,
  at: number,
  keyBase: string,
  staging: Staging,
  out: Mapped,
): void {
  for (const [id, r] of staging.inSystem(system)) {
    const restored = restoreRemembered(id, r, at, `${keyBase}:reset:${id}`, out);
    if (restored) staging.set(id, { ...r, state: r.state & ~(FIRE | r.faults) });
  }
  restoreTarget(sys, at, `${keyBase}:reset`, staging, out);
}

function restoreTarget(t: Target, at: number, keyBase: string, staging: Staging, out: Mapped): void {
  const r = staging.get(t.id);
  if (!r) return;
  if (restoreRemembered(t.id, r, at, keyBase, out))
    staging.set(t.id, { ...r, state: r.state & ~(FIRE | r.faults) });
}

function restoreRemembered(id: string, r: Remembered, at: number, keyBase: string, out: Mapped): boolean {
  let any = false;
  const groups: { type: AlarmType; bits: number; tag: string }[] = [
    { type: r.fireType, bits: FIRE, tag: 'fire' },
    { type: 'fire_facility_fault', bits: r.faults, tag: 'fault' },
  ];
  for (const g of groups) {
    if ((r.state & g.bits) === 0) continue;
    any = true;
    out.reports.push({
      ...r.report,
      key: `${keyBase}:restore:${g.tag}`,
      kind: 'restore',
      type: g.type,
      at,
      ...worded(`复位恢复：${id}`, `restored by a reset: ${id}`),
      origin: { ...r.origin, bits: 'reset', bitsEn: 'reset', bitsZh: '复位' },
    });
  }
  return any;
}
