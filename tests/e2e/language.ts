import { FIRE_COMPONENTS } from '../../electron/hub/demo/plan';
import { MESSAGES } from '../../shared/i18n';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { demoVehicles, DEMO_VISITOR } from '../../shared/domain/demo-vehicles';
import { ACCOUNTS } from '../support/accounts';
import { DEMO_TRAINING_TEXTS } from '../../electron/core/training/demo';
import { DEMO_REVIEW_TEXTS } from '../../electron/core/reports/demo-history';
import type { ConsoleUi } from './pages';

/**
 * The language-leak scan: the visible text of the console window with the site's own data taken out, searched
 * for the other language's script. Site data (names of zones, cameras, guards, sources…) is allowed in either
 * script: a site names its things as it likes, and some names exist in one language only.
 */

/** Every string of a site file, both languages: what the site calls its things. */
export function siteStrings(
  file = resolve(import.meta.dirname, '../../resources/demo-site/site.json'),
): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.trim().length > 1) out.add(v.trim());
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      // A source's devices are keyed by their address on the bus (leak-pump-room, zigbee2mqtt/…): data too.
      for (const [key, value] of Object.entries(v)) {
        if (/[-/\d]/.test(key)) out.add(key);
        walk(value);
      }
    }
  };
  walk(JSON.parse(readFileSync(file, 'utf8')));
  // Longest first, so a name that contains another one is taken out whole.
  return [...out].sort((a, b) => b.length - a.length);
}

/** Latin words a Chinese screen may show, each for a reason. Any other word in Latin letters is a leak. */
export const LATIN_ALLOWED: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /^cam-\d+$/i, why: 'camera ids, printed on the cameras and in the site file' },
  { pattern: /^(DC-09|SIA|GB\/T|GB)$/, why: 'alarm-panel and fire-alarm standards, known by these names' },
  {
    pattern:
      /^(MQTT|ISAPI|ONVIF|RTSP|HTTP|HTTPS|TLS|URL|IP|ID|SOS|PDF|CSV|NFC|GPS|Zigbee2MQTT|Zigbee|Webhook|ADM-CID|SIA-DCS)$/i,
    why: 'names of protocols and formats, used as such in Chinese',
  },
  {
    pattern: /^(fps|kb\/s|kbps|ms|s|min|h|km|m|MB|GB|KB|dB|MPa)$/,
    why: 'units (MPa: pressure, as fire-facility gauges print it)',
  },
  {
    pattern: /^(Ctrl|Alt|Shift|Enter|Esc|Escape|Home|End|Tab|Space|PgUp|PgDn|F\d{1,2}|[A-Z])$/i,
    why: 'key names as printed on the keys (the theme may show them upper-case)',
  },
  {
    pattern: /^P[1-5]$/,
    why: 'priority grades P1–P5, the same label in both languages and in the procedures',
  },
  {
    pattern: /^[A-Fa-f]*\d[A-Fa-f0-9]*$/,
    why: "hexadecimal digests (a sealed record's fingerprint), compared by eye",
  },
  { pattern: /^English$/i, why: 'the language switch names the other language in its own script' },
  {
    pattern: /^0x[0-9A-Fa-f]{2,16}$/,
    why: "equipment addresses as the fire panel's own display and the transmitter's records print them (GB/T 26875)",
  },
  {
    pattern: /^(WO|HZ|WT)-\d{6}$/,
    why: 'work-order, hazard and parking-violation numbers (报修工单、隐患台账、违停), written on the forms and read out on the phone as they are',
  },
  {
    pattern: /^[A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,6}$/,
    why: 'the letters and digits of a licence plate after its province character (浙A12345, GA 36)',
  },
  {
    pattern: /^(SUV|MPV|XLSX|Excel)$/,
    why: 'vehicle classes and a file format known by these names in Chinese',
  },
  { pattern: /^(OSM|OpenStreetMap|Leaflet)$/, why: 'map attribution the map data requires' },
];

/** Chinese an English screen may show, each for a reason. Any other Chinese character is a leak. */
export const CJK_ALLOWED: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /^中文$/, why: 'the language switch names the other language in its own script' },
  {
    pattern: /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使警学挂港澳领]$/,
    why: "a licence plate's province or series character (浙A12345, 京A1234警): part of the plate in any language",
  },
];

/** One run of Latin letters (with the joiners a token uses: cam-01, kb/s, GB/T). */
// Leading digits belong to the token, so a hexadecimal id such as `586eeafa` is judged whole (as a digest), not as
// the word `eeafa`; a token is allowed when it or its part after the digits is (`4K` → `K`).
const LATIN_TOKEN = /\d*[A-Za-z][A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*/g;
const latinAllowed = (w: string) =>
  [w, w.replace(/^\d+/, '')].some((t) => LATIN_ALLOWED.some((a) => a.pattern.test(t)));
const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+/g;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` with the site's strings blanked out. A Latin string only as a word of its own (the site's "tcp" must not
 * hide a leak such as "tcp port refused"); a Chinese one wherever it occurs (Chinese has no spaces).
 */
function withoutSiteData(text: string, site: readonly string[]): string {
  let out = text;
  for (const s of site) {
    out = /^[\x20-\x7e]+$/.test(s)
      ? out.replace(new RegExp(`(?<![A-Za-z0-9_-])${escape(s)}(?![A-Za-z0-9_-])`, 'g'), ' ')
      : out.split(s).join(' ');
  }
  return out;
}

/** An address as equipment is reached (tcp+udp://127.0.0.1:4100, mqtt://…): technical, shown as it is. */
const ADDRESS = /\b[a-z][a-z0-9+]*:\/\/\S*/gi;

/** Lines of `text` that carry a leak, each with the offending words. `site`: strings that are data. */
export type Language = 'zh-CN' | 'en';

export function leaks(text: string, language: Language, site: readonly string[]): string[] {
  const found: string[] = [];
  for (const raw of withoutSiteData(text, site).replace(ADDRESS, ' ').split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    let bad: string[];
    if (language === 'zh-CN') {
      bad = (line.match(LATIN_TOKEN) ?? []).filter((w) => !latinAllowed(w));
    } else {
      bad = (line.match(CJK) ?? []).filter((w) => !CJK_ALLOWED.some((a) => a.pattern.test(w)));
    }
    if (bad.length > 0) found.push(`${bad.join(' ')}  ⟵  ${line.slice(0, 160)}`);
  }
  return found;
}

/**
 * The text a person sees in the window now (rendered text only, not titles or hidden parts), without what is
 * marked `translate="no"`: another system's own words and bytes shown as evidence (a refused hub message, a
 * stream's technical reason once asked for), which have no language of the console's.
 */
export async function visibleText(page: Page, testId?: string): Promise<string> {
  return page.evaluate<string>(readText(testId ? `[data-testid="${testId}"]` : 'body'));
}

// innerText leaves out what is not visible: the marked parts are hidden for the one reading (a repaint, no reflow).
const readText = (selector: string) => `(() => {
  const style = document.createElement('style');
  style.textContent = '[translate="no"] { visibility: hidden !important; }';
  document.head.append(style);
  try {
    return document.querySelector(${JSON.stringify(selector)}).innerText;
  } finally {
    style.remove();
  }
})()`;

// The accounts' user names and names are data too: what an administrator typed, shown as typed; so are the demo's
// vehicle records and its expected visitor (owners, hosts, buildings: what the property office keeps), and what the
// demo's fire-alarm equipment calls its components (部件说明, configured in the panel, not in the site file).
export const DATA = [
  ...siteStrings(),
  ...FIRE_COMPONENTS.map((c) => c.description),
  // The demo's past drills (reports' demo history) are named as a supervisor would have named them, in Chinese.
  MESSAGES['zh-CN'].reports.demoDrillFire,
  MESSAGES['zh-CN'].reports.demoDrillWater,
  ...Object.values(ACCOUNTS).flatMap((a) => [a.username, a.name]),
  ...demoVehicles(Date.now(), 'Asia/Shanghai').flatMap((v) => [v.owner, v.building, v.unit]),
  DEMO_VISITOR.host,
  DEMO_VISITOR.building,
  // The demo's training records and certificates: courses, trainers, issuing bodies as the property office wrote them.
  ...Object.values(DEMO_TRAINING_TEXTS),
  // The demo's quarterly reviews: who took part, the opinions and conclusions (not the dimension ids beside them).
  ...Object.values(DEMO_REVIEW_TEXTS)
    .flat(2)
    .filter((t) => /\p{Script=Han}/u.test(t)),
].sort((a, b) => b.length - a.length);

/**
 * Scans the window as it is now; what leaks goes into `found`, named by `where`. `typed` is what the spec typed in
 * as a person would (a course name in Chinese): data, shown as typed in either language.
 */
export async function scan(
  page: Page,
  language: Language,
  where: string,
  found: string[],
  typed: readonly string[] = [],
): Promise<void> {
  // Longest first, as DATA is: a typed name inside a longer one must not leave the rest of it behind.
  const data = typed.length ? [...typed, ...DATA].sort((a, b) => b.length - a.length) : DATA;
  for (const leak of leaks(await visibleText(page), language, data)) found.push(`[${where}] ${leak}`);
}

/** Puts the console into `language` (it starts in Chinese). */
export async function useLanguage(ui: ConsoleUi, language: Language): Promise<void> {
  if (language === 'zh-CN') return;
  await ui.shell.switchLanguage();
  await expect(ui.shell.html).toHaveAttribute('lang', language);
}
