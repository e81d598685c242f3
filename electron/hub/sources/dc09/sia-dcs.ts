/**
 * The basics of SIA-DCS data (SIA DC-03 in a DC-09 frame): `[#ACCT|]N[ri<area>/][id<user>/][ti<HH:MM>/]<CC><addr>`,
 * several events separated by `/`. Two-letter codes map through a small shipped table (the common alarm,
 * restore, trouble, open/close and test codes); the rest are unknown and still reported.
 */
import type { AlarmType } from '../../../../shared/domain/alarm';
import type { CodeAction, CodeEntry, CodeScope } from './contact-id';

export interface SiaEntry extends CodeEntry {
  /** This code restores the condition the table's other code of the same action raised. */
  restore?: boolean;
}

const A = (type: AlarmType): CodeAction => ({ kind: 'alarm', type });
const F: CodeAction = { kind: 'fault' };
const E: CodeAction = { kind: 'event' };
const L: CodeAction = { kind: 'alive' };
const z = 'zone' as const;
const u = 'user' as const;
const p = 'panel' as const;
const R = 'restore' as const;
const ARM = 'arming' as const;

type Row = [
  code: string,
  action: CodeAction,
  scope: CodeScope,
  zh: string,
  en: string,
  flag?: typeof R | typeof ARM,
];

const ROWS: Row[] = [
  ['BA', A('intrusion'), z, '入侵报警', 'Burglary alarm'],
  ['BH', A('intrusion'), z, '入侵报警恢复', 'Burglary alarm restore', R],
  ['BR', A('intrusion'), z, '入侵恢复', 'Burglary restoral', R],
  ['BT', F, z, '入侵防区故障', 'Burglary trouble'],
  ['BJ', F, z, '入侵防区故障恢复', 'Burglary trouble restore', R],
  ['BB', E, z, '入侵防区旁路', 'Burglary bypass'],
  ['BU', E, z, '入侵防区取消旁路', 'Burglary unbypass'],
  ['FA', A('fire'), z, '火警', 'Fire alarm'],
  ['FH', A('fire'), z, '火警恢复', 'Fire alarm restore', R],
  ['FR', A('fire'), z, '火警恢复', 'Fire restoral', R],
  ['FT', A('fire_facility_fault'), z, '消防故障', 'Fire trouble'],
  ['FJ', A('fire_facility_fault'), z, '消防故障恢复', 'Fire trouble restore', R],
  ['FS', A('fire_facility_fault'), z, '消防监管', 'Fire supervisory'],
  ['FV', A('fire_facility_fault'), z, '消防监管恢复', 'Fire supervisory restore', R],
  ['KA', A('fire'), z, '感温火警', 'Heat alarm'],
  ['KH', A('fire'), z, '感温火警恢复', 'Heat alarm restore', R],
  ['SA', A('fire'), z, '喷淋报警', 'Sprinkler alarm'],
  ['SH', A('fire'), z, '喷淋报警恢复', 'Sprinkler alarm restore', R],
  ['GA', A('gas'), z, '燃气报警', 'Gas alarm'],
  ['GH', A('gas'), z, '燃气报警恢复', 'Gas alarm restore', R],
  ['WA', A('water_leak'), z, '漏水报警', 'Water alarm'],
  ['WH', A('water_leak'), z, '漏水报警恢复', 'Water alarm restore', R],
  ['PA', A('guard_sos'), z, '紧急求助', 'Panic alarm'],
  ['PH', A('guard_sos'), z, '紧急求助恢复', 'Panic alarm restore', R],
  ['HA', A('guard_sos'), z, '抢劫报警', 'Hold-up alarm'],
  ['HH', A('guard_sos'), z, '抢劫报警恢复', 'Hold-up alarm restore', R],
  ['MA', A('guard_sos'), z, '医疗求助', 'Medical alarm'],
  ['MH', A('guard_sos'), z, '医疗求助恢复', 'Medical alarm restore', R],
  ['QA', A('guard_sos'), z, '紧急报警', 'Emergency alarm'],
  ['QH', A('guard_sos'), z, '紧急报警恢复', 'Emergency alarm restore', R],
  ['TA', A('intrusion'), z, '防拆报警', 'Tamper alarm'],
  ['TR', A('intrusion'), z, '防拆恢复', 'Tamper restoral', R],
  ['DF', A('door_forced'), z, '门被强行打开', 'Door forced'],
  ['UA', A('manual'), z, '未定义防区报警', 'Untyped zone alarm'],
  ['UR', A('manual'), z, '未定义防区恢复', 'Untyped zone restoral', R],
  ['AT', F, p, '交流电源故障', 'AC trouble'],
  ['AR', F, p, '交流电源恢复', 'AC restoral', R],
  ['YT', F, p, '系统电池故障', 'System battery trouble'],
  ['YR', F, p, '系统电池恢复', 'System battery restoral', R],
  ['XT', F, z, '无线发射器电池故障', 'Transmitter battery trouble'],
  ['XR', F, z, '无线发射器电池恢复', 'Transmitter battery restoral', R],
  ['LT', F, p, '电话线故障', 'Phone line trouble'],
  ['LR', F, p, '电话线恢复', 'Phone line restoral', R],
  ['YC', F, p, '通信故障', 'Communications fail'],
  ['YK', F, p, '通信恢复', 'Communications restoral', R],
  ['CL', E, u, '布防', 'Closing report', ARM],
  ['OP', E, u, '撤防', 'Opening report', ARM],
  ['CG', E, u, '分区布防', 'Close area', ARM],
  ['OG', E, u, '分区撤防', 'Open area', ARM],
  ['CQ', E, u, '远程布防', 'Remote closing', ARM],
  ['OQ', E, u, '远程撤防', 'Remote opening', ARM],
  ['RP', L, p, '自动测试', 'Automatic test'],
  ['RX', E, p, '手动测试', 'Manual test'],
  ['RR', E, p, '上电', 'Power up'],
];

export const SIA_TABLE: ReadonlyMap<string, SiaEntry> = new Map(
  ROWS.map(([code, action, scope, zh, en, flag]) => [
    code,
    {
      action,
      scope,
      zh,
      en,
      ...(flag === R ? { restore: true } : {}),
      ...(flag === ARM ? { arming: true } : {}),
    },
  ]),
);

/** SIA closing codes: the rest of the open/close codes are openings. */
export const SIA_CLOSING = new Set(['CL', 'CG', 'CQ']);

export interface SiaEvent {
  code: string;
  /** The digits after the code (a zone or a user, per the code's scope); may be empty. */
  address: string;
  partition?: string;
  user?: string;
}

const PREFIX = /^(?:#([0-9A-Fa-f]{3,16})\|)?N?/;
const TOKEN =
  /\/?(?:ri(\d{1,4})|id(\d{1,6})|ti(\d{2}:\d{2})|pi(\d{1,4})|([A-Za-z]{2})(\d{0,6})(?:\^[^^]*\^)?)/y;

/** Reads the events of a SIA-DCS data block; a reason when it holds none. */
export function parseSiaData(
  data: string,
): { ok: true; account?: string; events: SiaEvent[] } | { ok: false; reason: string } {
  const pre = PREFIX.exec(data)!;
  const events: SiaEvent[] = [];
  let partition: string | undefined;
  let user: string | undefined;
  TOKEN.lastIndex = pre[0].length;
  while (TOKEN.lastIndex < data.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(data);
    if (!m) return { ok: false, reason: `SIA data not understood at "${data.slice(at, at + 20)}"` };
    if (m[1] !== undefined) partition = m[1];
    else if (m[2] !== undefined) user = m[2];
    else if (m[5] !== undefined) {
      events.push({
        code: m[5].toUpperCase(),
        address: m[6] ?? '',
        ...(partition !== undefined ? { partition } : {}),
        ...(user !== undefined ? { user } : {}),
      });
    }
  }
  if (events.length === 0) return { ok: false, reason: 'SIA data holds no event code' };
  return { ok: true, ...(pre[1] !== undefined ? { account: pre[1].toUpperCase() } : {}), events };
}
