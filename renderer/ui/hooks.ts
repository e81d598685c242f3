import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pickText, type Locale, type LocalizedText } from '../../shared/domain/text';
import { ageParts } from '../../shared/domain/shift';

/** The current time, refreshed every `everyMs`; one timer per component that shows a clock or an age. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  return now;
}

export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

/** Picks the right language from a site-file name. */
export function useText(): (text: LocalizedText | undefined) => string {
  const locale = useLocale();
  return (text) => (text === undefined ? '' : pickText(text, locale));
}

export function useAge(): (ms: number) => string {
  const { t } = useTranslation();
  return (ms) => {
    const { unit, n } = ageParts(ms);
    return t(`time.${unit}`, { n });
  };
}

export function formatClock(at: number, withSeconds = true): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
}

/** The window's inner size in CSS pixels, updated as it is resized or moved to another monitor. */
export function useWindowSize(): { width: number; height: number } {
  const [size, setSize] = useState(() => ({ width: window.innerWidth, height: window.innerHeight }));
  useEffect(() => {
    const onResize = () => setSize({ width: window.innerWidth, height: window.innerHeight });
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return size;
}
