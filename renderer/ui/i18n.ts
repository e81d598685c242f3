import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { MESSAGES } from '../../shared/i18n';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '../../shared/domain/text';

const STORAGE_KEY = 'console.locale';

export function initialLocale(): Locale {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  return (LOCALES as readonly string[]).includes(stored ?? '') ? (stored as Locale) : DEFAULT_LOCALE;
}

void i18next.use(initReactI18next).init({
  resources: Object.fromEntries(Object.entries(MESSAGES).map(([lng, m]) => [lng, { translation: m }])),
  lng: initialLocale(),
  fallbackLng: DEFAULT_LOCALE,
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLocale(locale: Locale): void {
  window.localStorage.setItem(STORAGE_KEY, locale);
  void i18next.changeLanguage(locale);
  document.documentElement.lang = locale;
}

export { i18next };
