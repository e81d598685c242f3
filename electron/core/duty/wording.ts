import type { InBothLanguages } from '../../../shared/contract';
import { MESSAGES } from '../../../shared/i18n';

/**
 * The console's own duty-log lines in the operator's language. They are stored as the console wrote them (English,
 * with the site's ids; entries are never edited and the CSV keeps them so), and worded when read, as the site's
 * ids are named when read (site/names.ts): old lines read in Chinese as well as new ones. A line no rule knows is
 * shown as stored. Each rule mirrors one writer's phrasing (named beside it); tests/unit/duty-wording.test.ts pins
 * the rules, and the e2e language scan (tests/e2e/language.spec.ts) reads the duty log in Chinese, so a writer
 * whose words change without its rule shows there as English in the Chinese interface. Storing a code and its
 * parameters with each line would not need the rules; it needs a migration and every writer changed, and old
 * lines would still need them.
 */
const zh = MESSAGES['zh-CN'];
const typeName = (type: string): string | undefined =>
  (zh.alarmType as Record<string, string | undefined>)[type];
const kindName = (kind: string): string =>
  (zh.deviceKind as Record<string, string | undefined>)[kind] ?? kind;
const stateName = (state: string): string =>
  (zh.deviceState as Record<string, string | undefined>)[state] ?? state;

type Rule = [RegExp, (m: RegExpMatchArray) => string | undefined];

const RULES: Rule[] = [
  // shift/shifts.ts with operators/handlers.ts' `how`: sign-in, first start, a handover; going off duty (oneself or sent by a supervisor)
  [/^(.+) on duty \(sign-in\)$/, (m) => `${m[1]} 上岗（登录）`],
  [/^(.+) on duty \(first start\)$/, (m) => `${m[1]} 上岗（首次启动）`],
  [/^(.+) on duty \(took over from (.+)\)$/, (m) => `${m[1]} 上岗（接替 ${m[2]}）`],
  // operators/handlers.ts and shift/handlers.ts: signing in over someone, signing on at another's console
  [/^(.+) on duty \(switch from (.+)\)$/, (m) => `${m[1]} 上岗（由 ${m[2]} 切换）`],
  [/^(.+) on duty \(signed on at (.+)'s console\)$/, (m) => `${m[1]} 上岗（在 ${m[2]} 的控制台登记）`],
  [/^(.+) off duty \(by (.+)\)$/, (m) => `${m[1]} 下岗（由 ${m[2]} 操作）`],
  [/^(.+) off duty$/, (m) => `${m[1]} 下岗`],
  // alarms/escalation.ts and alarms/intake.ts: "<type> P<n> ..." with the alarm type's id
  [
    /^([a-z_]+) P([1-5]) not acknowledged in time(?: \(waited (\d+) s in the hub\))?$/,
    (m) =>
      typeName(m[1]!) && `${typeName(m[1]!)} P${m[2]} 未按时确认${m[3] ? `（曾在平台滞留 ${m[3]} 秒）` : ''}`,
  ],
  [
    /^([a-z_]+) P([1-5])(?: (.+))?$/,
    (m) => typeName(m[1]!) && `${typeName(m[1]!)} P${m[2]}${m[3] ? ` ${m[3]}` : ''}`,
  ],
  // alarms/actions.ts: disaster mode
  [/^ON \(hold P([1-5])\+\): (.*)$/, (m) => `开启（暂缓 P${m[1]} 及以下）：${m[2]}`],
  [/^OFF \(hold P([1-5])\+\): (.*)$/, (m) => `关闭（暂缓 P${m[1]} 及以下）：${m[2]}`],
  // duty/automatic.ts: the hub link, cameras, devices (the technical reason stays in the English line)
  [/^lost: .* \((.+)\)$/, (m) => `与平台的连接中断（${m[1]}）`],
  [/^restored after (\d+) s \((.+)\)$/, (m) => `与平台的连接已恢复，中断 ${m[1]} 秒（${m[2]}）`],
  [
    /^(.+?) \(([a-z_]+)(?:, (.+?))?\) (?:recovered from ([a-z]+)|(ok|fault|offline))(?:: (.*))?$/,
    (m) =>
      `${m[1]}（${kindName(m[2]!)}${m[3] ? `，${m[3]}` : ''}）` +
      (m[4] ? `已从${stateName(m[4])}恢复` : stateName(m[5]!)),
  ],
  [/^(.+) back online after (\d+) s$/, (m) => `${m[1]} 恢复在线（离线 ${m[2]} 秒）`],
  [/^(.+) offline(?:: .*)?$/, (m) => `${m[1]} 离线`],
];

/**
 * A console-written line (already named: `named` has each language's site names) in both languages: the Chinese
 * by the rules above, the English as stored. The disk guard writes both itself (「中文 · English」).
 */
export function wordDutyText(named: InBothLanguages): InBothLanguages {
  const both = named.en.split(' · ');
  if (both.length === 2 && /[\u4e00-\u9fff]/.test(both[0]!)) {
    return { 'zh-CN': named['zh-CN'].split(' · ')[0] ?? named['zh-CN'], en: both[1]! };
  }
  // The English keeps its words; an alarm type's id becomes its name there too ("lighting_fault P5").
  const type = named.en.match(/^([a-z_]+)( P[1-5](?: |$))/);
  const enName = type && (MESSAGES.en.alarmType as Record<string, string | undefined>)[type[1]!];
  const en = enName ? `${enName}${named.en.slice(type[1]!.length)}` : named.en;
  for (const [pattern, word] of RULES) {
    const m = named['zh-CN'].match(pattern);
    const worded = m ? word(m) : undefined;
    if (worded) return { 'zh-CN': worded, en };
  }
  return { ...named, en };
}
