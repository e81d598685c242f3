/**
 * The words and bits of GB/T 26875.3: the state bits of a system, component and transmitter, the operation bits,
 * the system and component type names, and which bits are fire, faults or info.
 */
import type { AlarmType } from '../../../../shared/domain/alarm';

export interface Named {
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

export function systemTypeName(t: number): { zh: string; en: string } {
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
