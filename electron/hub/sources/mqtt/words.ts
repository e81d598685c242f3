/**
 * A sensor report's text in both console languages: the device's name (as the site file gives it), then what its
 * signals or health say, worded from this table. The causes are the joined keys `payloads.ts` puts in a draft
 * (`water_leak`, `open+tamper`, `battery_low,silent`); a key not in the table is shown as it came.
 */
import { worded } from '../source';
import type { Draft } from './payloads';

const WORDS: Readonly<Record<string, { zh: string; en: string }>> = {
  water_leak: { zh: '水浸', en: 'water leak' },
  smoke: { zh: '烟雾', en: 'smoke' },
  gas: { zh: '可燃气体', en: 'gas' },
  carbon_monoxide: { zh: '一氧化碳', en: 'carbon monoxide' },
  open: { zh: '门磁打开', en: 'contact open' },
  tamper: { zh: '防拆', en: 'tamper' },
  battery_low: { zh: '电量低', en: 'battery low' },
  offline: { zh: '离线', en: 'offline' },
  silent: { zh: '长时间无消息', en: 'silent' },
};

function causes(cause: string, lang: 'zh' | 'en'): string {
  return cause
    .split(/[+,]/)
    .filter(Boolean)
    .map((k) => WORDS[k]?.[lang] ?? k)
    .join(lang === 'zh' ? '、' : ', ');
}

/** What a draft says about the device called `label`, in both languages. */
export function sensorWords(label: string, draft: Draft): ReturnType<typeof worded> {
  const zh = causes(draft.cause, 'zh');
  const en = causes(draft.cause, 'en');
  if (draft.kind === 'alarm') return worded(`${label}：${zh}`, `${label}: ${en}`);
  if (draft.kind === 'restore') return worded(`${label}：${zh}已恢复`, `${label}: ${en} cleared`);
  if (draft.state === 'ok') return worded(`${label}：恢复正常`, `${label}: back to normal`);
  return worded(`${label}：${zh}`, `${label}: ${en}`);
}

/** A supervised sensor heard nothing from for longer than its interval. */
export function silenceWords(label: string, supervisionSec: number): ReturnType<typeof worded> {
  return worded(
    `${label}：超过 ${supervisionSec} 秒无消息`,
    `${label}: silent for more than ${supervisionSec} s`,
  );
}
