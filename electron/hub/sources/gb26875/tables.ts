/**
 * The words and bits of GB/T 26875.3: the command names, the state bits of a system, component and transmitter,
 * the operation bits, the system and component type names (tables.codes.json, checked when the module loads), and
 * which bits are fire, faults or info.
 */
import { z } from 'zod';
import type { AlarmType } from '../../../../shared/domain/alarm';
import shipped from './tables.codes.json';

const Named = z.object({ key: z.string().regex(/^[a-z_]+$/), zh: z.string().min(1), en: z.string().min(1) });
export type Named = z.infer<typeof Named>;
const Names = z.object({ zh: z.string().min(1), en: z.string().min(1) });
type Names = z.infer<typeof Names>;
const ByNumber = z.record(z.string().regex(/^[0-9]+$/), Names);

/** Bit n of a word is entry n: the lengths are the standard's, and the fire and fault masks below count on them. */
const Tables = z.object({
  commands: ByNumber,
  stateBits: z.array(Named).length(14),
  transmitterBits: z.array(Named).length(7),
  operationBits: z.array(Named).length(7),
  transmitterOperationBits: z.array(Named).length(7),
  systemTypes: ByNumber,
  componentTypes: z.array(Names.extend({ from: z.number().int(), to: z.number().int() })),
});

const tables = Tables.parse(shipped);

/** The frame commands (控制命令 … 否认) by number. */
export const COMMAND_NAMES: Readonly<Record<number, Names>> = tables.commands;

/** System state (type 1), bits 0–13; a component (type 2) uses bits 0–8. Bit 0 set = normal, clear = test. */
export const STATE_BITS: readonly Named[] = tables.stateBits;

/** 用户信息传输装置 state (type 21), bits 0–6. */
export const TRANSMITTER_BITS: readonly Named[] = tables.transmitterBits;

/** Operations of a fire facility (type 4), bits 0–6. */
export const OPERATION_BITS: readonly Named[] = tables.operationBits;

/** Operations of the transmitter (type 24): bit 5 answers the centre's 查岗. */
export const TRANSMITTER_OPERATION_BITS: readonly Named[] = tables.transmitterOperationBits;

export const SYSTEM_TYPES: Readonly<Record<number, Names>> = tables.systemTypes;

export function componentTypeName(t: number): Names {
  const named = tables.componentTypes.find((c) => t >= c.from && t <= c.to);
  return named ? { zh: named.zh, en: named.en } : { zh: `部件类型${t}`, en: `component type ${t}` };
}

export function systemTypeName(t: number): Names {
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
export const FIRE = mask(1);
export const SYSTEM_FAULTS = mask(2, 4, 8, 9, 10);
export const COMPONENT_FAULTS = mask(2, 4, 8);
export const TRANSMITTER_FAULTS = mask(2, 3, 4, 5, 6);
/** Bits of a system or component that are info when they come on: 屏蔽, 启动, 反馈, 延时, 配置改变, 复位. */
export const INFO_ON = mask(3, 5, 6, 7, 12, 13);
export const DISABLED = mask(3);
export const RESET = 13;

export function bitsOf(word: number, table: readonly Named[]): Named[] {
  return table.filter((_, i) => (word & (1 << i)) !== 0);
}

export function names(word: number, table: readonly Named[]): { en: string; zh: string; keys: string } {
  const set = bitsOf(word, table);
  return {
    keys: set.map((b) => b.key).join(','),
    en: set.map((b) => b.en).join(', '),
    zh: set.map((b) => b.zh).join('、'),
  };
}
