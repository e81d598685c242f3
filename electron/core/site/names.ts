import type { InBothLanguages } from '../../../shared/contract';
import type { SiteFile } from '../../../shared/domain/site';
import { LOCALES, pickText, type LocalizedText } from '../../../shared/domain/text';

/** Both languages of a site-file name (a one-string name is the same in both). */
export function inBoth(text: LocalizedText): InBothLanguages {
  return { 'zh-CN': pickText(text, 'zh-CN'), en: pickText(text, 'en') };
}

export const same = (text: string): InBothLanguages => ({ 'zh-CN': text, en: text });

/** What the names come from: the site file, with the cameras as they are now (cameras can be added at run time). */
export type NameSource = Pick<SiteFile, 'name' | 'timeZone' | 'zones' | 'routes' | 'guards'> & {
  cameras: ReadonlyArray<{ id: string; name: LocalizedText }>;
};

/**
 * The site file's names for its ids (zones, cameras, guards and their phones, routes and checkpoints), so that
 * ids stay in the data and names reach people.
 */
export class SiteNames {
  readonly site: InBothLanguages;
  readonly timeZone: string;
  private readonly names = new Map<string, LocalizedText>();
  private readonly zones = new Map<string, LocalizedText>();
  private readonly cameras = new Map<string, LocalizedText>();
  private readonly pattern: RegExp | undefined;

  constructor(src: NameSource) {
    this.site = inBoth(src.name);
    this.timeZone = src.timeZone;
    for (const z of src.zones) this.zones.set(z.id, z.name);
    for (const c of src.cameras) this.cameras.set(c.id, c.name);
    // The order matters only where ids repeat across kinds (the schema keeps them unique within one kind):
    // a zone's name wins, then a camera's, then the rest.
    const all: Array<[string, LocalizedText]> = [
      ...src.guards.flatMap((g) => [
        [g.id, g.name] as [string, LocalizedText],
        ...g.devices.map((d) => [d, g.name] as [string, LocalizedText]),
      ]),
      ...src.routes.flatMap((r) => [
        [r.id, r.name] as [string, LocalizedText],
        ...r.checkpoints.map((cp) => [cp.id, cp.name] as [string, LocalizedText]),
      ]),
      ...src.cameras.map((c) => [c.id, c.name] as [string, LocalizedText]),
      ...src.zones.map((z) => [z.id, z.name] as [string, LocalizedText]),
    ];
    for (const [id, name] of all) this.names.set(id, name);
    const ids = [...this.names.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    // An id counts only as a whole word: `bldg-01` in "smoke P1 bldg-01." but not in `det-bldg-01-2`.
    this.pattern = ids.length
      ? new RegExp(`(?<![A-Za-z0-9._-])(?:${ids.join('|')})(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`, 'g')
      : undefined;
  }

  zone(id: string | undefined): InBothLanguages | undefined {
    const name = id ? this.zones.get(id) : undefined;
    return name ? inBoth(name) : undefined;
  }

  camera(id: string): InBothLanguages | undefined {
    const name = this.cameras.get(id);
    return name ? inBoth(name) : undefined;
  }

  /** A text the console wrote, with every site id in it replaced by its name in each language. */
  nameIds(text: string): InBothLanguages {
    const pattern = this.pattern;
    if (!pattern) return same(text);
    const out = {} as InBothLanguages;
    for (const locale of LOCALES) {
      out[locale] = text.replace(pattern, (id) => {
        const name = this.names.get(id);
        return name ? pickText(name, locale) : id;
      });
    }
    return out;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
