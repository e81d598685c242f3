import { NOTICE_CONSOLE_RESTARTED, type Notice } from '../contract';
import { zhCN } from './zh-CN';

/** i18next's translate function, as much of it as these need. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** The codes the core sends that have words of their own in `notices.codes` (the same in every language). */
const WORDED = new Set(Object.keys(zhCN.notices.codes));

const KIND_KEYS: Record<string, string> = {
  alarm: 'alarm',
  position: 'position',
  device: 'device',
  guard: 'guard',
  'action.applied': 'actionApplied',
};

/** A hub event kind in the operator's words; a kind the protocol does not have is shown as it came. */
export function kindText(t: Translate, kind: string | null | undefined): string {
  if (!kind) return t('hub.kinds.unknown');
  const key = KIND_KEYS[kind];
  return key ? t(`hub.kinds.${key}`) : kind;
}

/**
 * A notice in the operator's language: `notices.codes.<code>` with its params when the core's code has words of
 * its own, else the message as it came (notices the renderer made itself are already in the operator's
 * language). A folded repeat says how many times it happened. `clock` writes a time as the console shows it.
 */
export function noticeText(t: Translate, notice: Notice, clock: (at: number) => string): string {
  let text = notice.message;
  if (notice.code === NOTICE_CONSOLE_RESTARTED) {
    text = t('notices.consoleRestarted', { time: clock(notice.at) });
  } else if (WORDED.has(notice.code)) {
    const params: Record<string, string | number> = { ...notice.params };
    if (notice.code === 'hub-event-refused') {
      params.kind = kindText(t, typeof params.kind === 'string' && params.kind !== '?' ? params.kind : null);
      if (typeof params.reason === 'string') params.reason = t(`hub.deadLetterReason.${params.reason}`);
    }
    text = t(`notices.codes.${notice.code}`, params);
  }
  return (notice.count ?? 1) > 1 ? `${text}${t('notices.repeated', { count: notice.count })}` : text;
}
