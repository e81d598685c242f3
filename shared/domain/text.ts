import { z } from 'zod';

export const LOCALES = ['zh-CN', 'en'] as const;
export const Locale = z.enum(LOCALES);
export type Locale = z.infer<typeof Locale>;
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** A name in a site file: one string, or one per language (zh-CN required, the site is in China). */
export const LocalizedText = z.union([
  z.string().min(1),
  z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1).optional() }),
]);
export type LocalizedText = z.infer<typeof LocalizedText>;

export function pickText(text: LocalizedText, locale: Locale): string {
  if (typeof text === 'string') return text;
  return (locale === 'en' ? text.en : undefined) ?? text['zh-CN'];
}

/**
 * A list in the language's own way: 「李明、王芳」 in Chinese, "Li Ming, Wang Fang" in English. Every list a person
 * reads goes through here, so no Chinese enumeration comma ends up in English (or the reverse).
 */
export function joinList(items: readonly string[], locale: Locale): string {
  return new Intl.ListFormat(locale, { type: 'conjunction', style: 'narrow' }).format(items);
}

/** Date and time as a person at the site reads them (the site's clock, 24 h), e.g. 2026/11/24 08:00. */
export function formatDateTime(at: number, locale: Locale, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, {
    ...(timeZone ? { timeZone } : {}),
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
}

/**
 * A text worded in both of the console's languages by whoever made it (a hub source from its code tables, the demo
 * scenario), so each operator reads it in their own: an alarm's or a device event's `texts` (hub protocol 4).
 */
export const BothTexts = z.object({ 'zh-CN': z.string().max(500), en: z.string().max(500) });
export type BothTexts = z.infer<typeof BothTexts>;

/**
 * What an alarm says, in the reader's language when it came worded in both, else its one `text` as it came (an
 * older hub's, or what an operator typed): never an empty string for a text that exists.
 */
export function pickAlarmText(
  a: { text?: string | undefined; texts?: BothTexts | undefined },
  locale: Locale,
): string | undefined {
  const worded = a.texts?.[locale];
  return worded ? worded : a.text || undefined;
}
