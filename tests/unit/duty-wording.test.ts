import { describe, expect, it } from 'vitest';
import { wordDutyText } from '../../electron/core/duty';

const same = (text: string) => ({ 'zh-CN': text, en: text });
/** Latin words of three letters or more: what the Chinese interface must not show of the console's own words. */
const english = (text: string) => text.match(/[A-Za-z]{3,}/g) ?? [];

describe("the duty log's own lines in the operator's language", () => {
  // Each line as its writer words it (shift/shifts.ts, alarms/intake.ts and escalation.ts, alarms/actions.ts,
  // duty/automatic.ts), with the site's names already put in for ids in each language (site/names.ts).
  const lines: [string, string][] = [
    ['王伟 on duty (sign-in)', '王伟 上岗（登录）'],
    ['王伟 on duty (first start)', '王伟 上岗（首次启动）'],
    ['王伟 on duty (took over from 李娜)', '王伟 上岗（接替 李娜）'],
    ['王伟 on duty (switch from 李娜)', '王伟 上岗（由 李娜 切换）'],
    ["王伟 on duty (signed on at 李娜's console)", '王伟 上岗（在 李娜 的控制台登记）'],
    ['李娜 off duty', '李娜 下岗'],
    ['李娜 off duty (by 张强)', '李娜 下岗（由 张强 操作）'],
    ['lighting_fault P5', '照明故障 P5'],
    ['smoke P1 1号楼', '烟感报警 P1 1号楼'],
    ['intrusion P2 not acknowledged in time', '入侵报警 P2 未按时确认'],
    [
      'intrusion P2 not acknowledged in time (waited 600 s in the hub)',
      '入侵报警 P2 未按时确认（曾在平台滞留 600 秒）',
    ],
    ['ON (hold P3+): 台风', '开启（暂缓 P3 及以下）：台风'],
    ['lost: connect ECONNREFUSED (https://hub:4100)', '与平台的连接中断（https://hub:4100）'],
    ['restored after 12 s (https://hub:4100)', '与平台的连接已恢复，中断 12 秒（https://hub:4100）'],
    ['1号楼大堂 offline: the camera ended the stream', '1号楼大堂 离线'],
    ['1号楼大堂 back online after 30 s', '1号楼大堂 恢复在线（离线 30 秒）'],
    ['det-7 (detector, 1号楼) fault: smoke chamber dirty', 'det-7（探测器，1号楼）故障'],
    ['det-7 (detector, 1号楼) recovered from fault', 'det-7（探测器，1号楼）已从故障恢复'],
  ];

  it.each(lines)('%s', (stored, chinese) => {
    const worded = wordDutyText(same(stored));
    expect(worded['zh-CN']).toBe(chinese);
    expect(english(worded['zh-CN']).filter((w) => !['https', 'hub', 'det'].includes(w))).toEqual([]);
  });

  it('names the alarm type in English too, and keeps a line no rule knows as it was stored', () => {
    expect(wordDutyText(same('lighting_fault P5')).en).toMatch(/^Lighting fault P5$/i);
    expect(wordDutyText(same('something new happened'))).toEqual(same('something new happened'));
  });

  it('splits the disk guard\u2019s own two-language line', () => {
    const worded = wordDutyText(same('磁盘已满（剩余 12 MB） · disk full (12 MB free)'));
    expect(worded).toEqual({ 'zh-CN': '磁盘已满（剩余 12 MB）', en: 'disk full (12 MB free)' });
  });
});
