/**
 * Which URLs the Electron shell treats as its own page, which files `app://` serves, and which links may leave for
 * the operating system. Pure functions with no Electron import, so they are tested under Node
 * (tests/unit/url-policy.test.ts); electron/main/index.ts only wires them to Electron's events.
 *
 * Every decision compares a parsed URL's parts exactly. Comparing the end of a URL string ("does it end with our
 * index.html?") lets https://evil.example/<install path>/out/renderer/index.html pass, and decoding before parsing
 * throws on a bad `%` escape before anyone calls preventDefault. Nothing here throws: unreadable means "no".
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { popOutAreaOf, type PopOutArea } from '../../shared/domain/windows';

/** The console's own scheme and host: pages are served as app://console/index.html, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * Is `url` a page of the console itself: the app:// origin, or in development the renderer's dev server origin
 * (scheme, host and port all equal; no credentials in the URL)?
 */
export function isOwnPage(url: string, devServerUrl?: string): boolean {
  const u = parse(url);
  if (!u || u.username || u.password) return false;
  if (devServerUrl) {
    const dev = parse(devServerUrl);
    return (
      !!dev &&
      (dev.protocol === 'http:' || dev.protocol === 'https:') &&
      u.protocol === dev.protocol &&
      u.host === dev.host
    );
  }
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
}

/** The area a pop-out window shows: the console page with `#wall`, `#map` or `#queue`; nothing else opens. */
export function popOutPageArea(url: string, devServerUrl?: string): PopOutArea | undefined {
  if (!isOwnPage(url, devServerUrl)) return undefined;
  return popOutAreaOf(parse(url)?.hash ?? '');
}

/**
 * The file under `root` that an app:// request names, or undefined when it names none: another host, a path that
 * leaves `root` (also through encoded `..` or `\`), a bad `%` escape, a NUL byte. `/` is index.html.
 */
export function appFileFor(requestUrl: string, root: string): string | undefined {
  const u = parse(requestUrl);
  if (!u || u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password)
    return undefined;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  if (path === '' || path === '/') path = '/index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..'))
    return undefined;
  return file;
}

/** What a softphone is handed: the number (digits, `+`, `*`, `#` escaped) and for SIP a user@host. */
const TELEPHONY = /^(tel|sip|sips|callto):[0-9a-zA-Z%+@.:;=_*-]+$/;

/**
 * May this link be handed to the operating system? A call (tel:, sip:, sips:, callto: — what the call card's phone
 * setting allows) always; an https page only when its origin is on the site's allow-list (exact origins such as
 * `https://manual.example.com`); nothing else (file:, javascript:, data:, smb:, custom app schemes...).
 */
export function isAllowedExternal(url: string, allowedOrigins: readonly string[] = []): boolean {
  if (TELEPHONY.test(url)) return true;
  const u = parse(url);
  if (!u || u.protocol !== 'https:' || u.username || u.password) return false;
  return allowedOrigins.some((o) => parse(o)?.origin === u.origin);
}

/** `CONSOLE_EXTERNAL_ORIGINS=https://a.example,https://b.example`: the https origins links may open. */
export function externalOriginsFrom(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => parse(s)?.protocol === 'https:')
    .map((s) => parse(s)!.origin);
}
