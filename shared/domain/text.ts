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
