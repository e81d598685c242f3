import { useEffect, useRef } from 'react';
import { LOCALES, type Locale } from '../../../shared/domain/text';
import { useStore } from '../../api/store';
import { i18next, setLocale } from '../../ui/i18n';
import { usePrefs } from './store';

/** The operator's language follows them to any console: applied when read, stored when they switch. */
export function useLocalePref(): void {
  const prefs = usePrefs();
  const { reads, locale } = useStore(prefs.prefs);
  // Only a fresh read applies the stored language; a switch stores it without applying it again.
  const applied = useRef(0);
  useEffect(() => {
    if (reads === 0) applied.current = 0;
    if (reads <= applied.current) return;
    applied.current = reads;
    if (locale && locale !== i18next.language) setLocale(locale);
  }, [reads, locale]);
  useEffect(() => {
    if (reads === 0) return undefined;
    const onChange = (lng: string) => {
      if ((LOCALES as readonly string[]).includes(lng)) prefs.save({ key: 'locale', value: lng as Locale });
    };
    i18next.on('languageChanged', onChange);
    return () => i18next.off('languageChanged', onChange);
  }, [prefs, reads]);
}
