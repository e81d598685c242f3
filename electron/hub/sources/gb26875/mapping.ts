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
 * The previous words live in {@link StateMemory}; the receiver stages a frame's changes and keeps them only once
 * its reports are committed, so a frame sent again after a failed commit yields the same reports with the same
 * keys.
 */
import { createHash } from 'node:crypto';
import type { AlarmType } from '../../../../shared/domain/alarm';
import type { LatLon } from '../../../../shared/domain/geo';
import { worded, type SourceOrigin, type SourceReport } from '../source';
import type { AduObject, AppData } from './app-data';
import { placementOf, type ResolvedProfile } from './config';

interface Named {
  key: string;
  zh: string;
  en: string;
}

const bit = (key: string, zh: string, en: string): Named => ({ key, zh, en });

/** System state (type 1), bits 0–13; a component (type 2) uses bits 0–8. Bit 0 set = normal, clear = test. */
export const STATE_BITS: readonly Named[] = [
  bit('normal', '正常', 'normal'),
  bit('fire', '火警', 'fire alarm'),
  bit('fault', '故障', 'fault'),
  bit('disabled', '屏蔽', 'disabled'),
  bit('supervisory', '监管', 'supervisory'),
  bit('started', '启动', 'started'),
  bit('feedback', '反馈', 'feedback'),
  bit('delay', '延时', 'delay'),
  bit('main_power_fault', '主电故障', 'main power fault'),
  bit('backup_power_fault', '备电故障', 'backup power fault'),
  bit('bus_fault', '总线故障', 'bus fault'),
  bit('manual', '手动', 'manual mode'),
  bit('config_changed', '配置改变', 'configuration changed'),
  bit('reset', '复位', 'reset'),
];

/** 用户信息传输装置 state (type 21), bits 0–6. */
export const TRANSMITTER_BITS: readonly Named[] = [
  bit('normal', '正常', 'normal'),
  bit('fire', '火警', 'fire alarm'),
  bit('fault', '故障', 'fault'),
  bit('main_power_fault', '主电故障', 'main power fault'),
  bit('backup_power_fault', '备电故障', 'backup power fault'),
  bit('link_fault', '与监控中心通信信道故障', 'link to the monitoring centre failed'),
  bit('line_fault', '监测连接线路故障', 'monitoring line fault'),
];

/** Operations of a fire facility (type 4), bits 0–6. */
export const OPERATION_BITS: readonly Named[] = [
  bit('reset', '复位', 'reset'),
  bit('silence', '消音', 'silence'),
  bit('manual_alarm', '手动报警', 'manual alarm'),
  bit('alarm_cleared', '警情消除', 'alarm cleared'),
  bit('self_test', '自检', 'self-test'),
  bit('confirm', '确认', 'confirmed'),
  bit('test', '测试', 'test'),
];

/** Operations of the transmitter (type 24): bit 5 answers the centre's 查岗. */
export const TRANSMITTER_OPERATION_BITS: readonly Named[] = [
  ...OPERATION_BITS.slice(0, 5),
  bit('inspection_answer', '查岗应答', 'inspection answered'),
  bit('test', '测试', 'test'),
];

export const SYSTEM_TYPES: Readonly<Record<number, { zh: string; en: string }>> = {
  1: { zh: '火灾报警系统', en: 'fire alarm system' },
  10: { zh: '消防联动控制器', en: 'fire linkage controller' },
  11: { zh: '消火栓系统', en: 'hydrant system' },
  12: { zh: '自动喷水灭火系统', en: 'sprinkler system' },
  13: { zh: '气体灭火系统', en: 'gas extinguishing system' },
  18: { zh: '防烟排烟系统', en: 'smoke control system' },
  19: { zh: '防火门及卷帘系统', en: 'fire doors and shutters' },
  20: { zh: '消防电梯', en: 'fire lift' },
  21: { zh: '消防应急广播', en: 'emergency broadcast' },
  22: { zh: '消防应急照明和疏散指示系统', en: 'emergency lighting and exit signs' },
  23: { zh: '消防电源', en: 'fire power supply' },
  24: { zh: '消防电话', en: 'fire telephone' },
};

export function componentTypeName(t: number): { zh: string; en: string } {
  if (t === 1) return { zh: '火灾报警控制器', en: 'fire alarm control panel' };
  if (t >= 10 && t <= 13) return { zh: '可燃气体探测器', en: 'combustible gas detector' };
  if (t === 23) return { zh: '手动火灾报警按钮', en: 'manual call point' };
  if (t === 24) return { zh: '消火栓按钮', en: 'hydrant button' };
  if (t === 30) return { zh: '感温火灾探测器', en: 'heat detector' };
  if (t >= 40 && t <= 44) return { zh: '感烟火灾探测器', en: 'smoke detector' };
  if (t === 61 || t === 62) return { zh: '火焰探测器', en: 'flame detector' };
  return { zh: `部件类型${t}`, en: `component type ${t}` };
}

function systemTypeName(t: number): { zh: string; en: string } {
  return SYSTEM_TYPES[t] ?? { zh: `系统类型${t}`, en: `system type ${t}` };
}

/** 火警 of a component: smoke for 感烟 (40–44), gas for 可燃气体 (10–13), fire for everything else. */
export function fireTypeOf(componentType: number | undefined): AlarmType {
  if (componentType === undefined) return 'fire';
  if (componentType >= 40 && componentType <= 44) return 'smoke';
  if (componentType >= 10 && componentType <= 13) return 'gas';
  return 'fire';
}

const mask = (...bits: number[]) => bits.reduce((m, b) => m | (1 << b), 0);
const FIRE = mask(1);
const SYSTEM_FAULTS = mask(2, 4, 8, 9, 10);
const COMPONENT_FAULTS = mask(2, 4, 8);
const TRANSMITTER_FAULTS = mask(2, 3, 4, 5, 6);
/** Bits of a system or component that are info when they come on: 屏蔽, 启动, 反馈, 延时, 配置改变, 复位. */
const INFO_ON = mask(3, 5, 6, 7, 12, 13);
const DISABLED = mask(3);
const RESET = 13;

export function bitsOf(word: number, table: readonly Named[]): Named[] {
  return table.filter((_, i) => (word & (1 << i)) !== 0);
}

function names(word: number, table: readonly Named[]): { en: string; zh: string; keys: string } {
  const set = bitsOf(word, table);
  return {
    keys: set.map((b) => b.key).join(','),
    en: set.map((b) => b.en).join(', '),
    zh: set.map((b) => b.zh).join('、'),
  };
}

// --- memory ----------------------------------------------------------------------------------------------------

export interface Remembered {
  state: number;
  /** A component's system (`<type>.<address>`): a 复位 of that system restores it. */
  system?: string;
  report: Pick<SourceReport, 'device' | 'zone' | 'cameras' | 'location'>;
  fireType: AlarmType;
  faults: number;
  origin: SourceOrigin;
}

/** The last state word per device of one transmitter, bounded (the oldest forgotten first). */
export class StateMemory {
  private readonly map = new Map<string, Remembered>();
  constructor(private readonly max = 20_000) {}

  get size(): number {
    return this.map.size;
  }

  get(id: string): Remembered | undefined {
    return this.map.get(id);
  }

  stage(): Staging {
    return new Staging(this);
  }

  entries(): IterableIterator<[string, Remembered]> {
    return this.map.entries();
  }

  /** @internal used by {@link Staging.keep}. */
  put(id: string, r: Remembered): void {
    this.map.delete(id);
    this.map.set(id, r);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
}

/** One frame's changes to a {@link StateMemory}, kept only once its reports are committed. */
export class Staging {
  private readonly changes = new Map<string, Remembered>();
  constructor(private readonly memory: StateMemory) {}

  get(id: string): Remembered | undefined {
    return this.changes.get(id) ?? this.memory.get(id);
  }

  set(id: string, r: Remembered): void {
    this.changes.set(id, r);
  }

  inSystem(system: string): [string, Remembered][] {
    const found = new Map<string, Remembered>();
    for (const [id, r] of this.memory.entries()) if (r.system === system) found.set(id, r);
    for (const [id, r] of this.changes) if (r.system === system) found.set(id, r);
    return [...found];
  }

  keep(): void {
    for (const [id, r] of this.changes) this.memory.put(id, r);
  }
}

// --- reports ---------------------------------------------------------------------------------------------------

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
      const sys = systemTypeName(o.systemType);
      const system = `${o.systemType}.${o.systemAddress}`;
      const placed = placementOf(ctx.profile, { systemType: o.systemType, system: o.systemAddress });
      const target: Target = {
        id: `${transmitterDeviceId(ctx.sourceId, ctx.profile.address)}:${system}`,
        device: {
          id: `${transmitterDeviceId(ctx.sourceId, ctx.profile.address)}:${system}`,
          kind: 'fire_component',
          label: `${sys.zh} ${o.systemAddress}`,
        },
        ...placed,
        fireType: 'fire',
        faults: SYSTEM_FAULTS,
        info: INFO_ON,
        table: STATE_BITS,
        origin: {
          ...base,
          systemType: o.systemType,
          systemTypeZh: sys.zh,
          systemTypeEn: sys.en,
          systemAddress: o.systemAddress,
        },
        what: { zh: `${sys.zh} ${o.systemAddress}`, en: `${sys.en} ${o.systemAddress}` },
      };
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
          ...base,
          systemType: o.systemType,
          systemTypeZh: sys.zh,
          systemTypeEn: sys.en,
          systemAddress: o.systemAddress,
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
      const sys = systemTypeName(o.systemType);
      const system = `${o.systemType}.${o.systemAddress}`;
      const placed = placementOf(ctx.profile, { systemType: o.systemType, system: o.systemAddress });
      const id = `${transmitterDeviceId(ctx.sourceId, ctx.profile.address)}:${system}`;
      const target: Target = {
        id,
        device: { id, kind: 'fire_component', label: `${sys.zh} ${o.systemAddress}` },
        ...placed,
        fireType: 'fire',
        faults: SYSTEM_FAULTS,
        info: INFO_ON,
        table: STATE_BITS,
        origin: {
          ...base,
          systemType: o.systemType,
          systemTypeZh: sys.zh,
          systemTypeEn: sys.en,
          systemAddress: o.systemAddress,
        },
        what: { zh: `${sys.zh} ${o.systemAddress}`, en: `${sys.en} ${o.systemAddress}` },
      };
      operationReports(target, o.operation, o.operator, OPERATION_BITS, at(o.time), keyBase, out);
      if (o.operation & 1) resetSystem(system, target, at(o.time), keyBase, staging, out);
      return;
    }
    case 21: {
      const device = transmitterDevice(ctx);
      const placed = placementOf(ctx.profile, {});
      const target: Target = {
        id: device.id,
        device,
        ...placed,
        fireType: 'fire',
        faults: TRANSMITTER_FAULTS,
        info: 0,
        table: TRANSMITTER_BITS,
        origin: base,
        what: transmitterWhat(ctx.profile.address),
      };
      stateReports(target, o.state, at(o.time), keyBase, staging, out);
      return;
    }
    case 24: {
      const device = transmitterDevice(ctx);
      const placed = placementOf(ctx.profile, {});
      const target: Target = {
        id: device.id,
        device,
        ...placed,
        fireType: 'fire',
        faults: TRANSMITTER_FAULTS,
        info: 0,
        table: TRANSMITTER_BITS,
        origin: base,
        what: transmitterWhat(ctx.profile.address),
      };
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
