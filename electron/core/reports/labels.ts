import type { InBothLanguages } from '../../../shared/contract';
import type { SiteFile } from '../../../shared/domain/site';
import { LOCALES, pickText, type Locale, type LocalizedText } from '../../../shared/domain/text';
import { MESSAGES } from '../../../shared/i18n';
import { fill } from '../../../shared/i18n/notices';

type Catalogue = Record<string, unknown>;

/** A message of the shared catalogues by its dotted key (`reports.kpi.total`), without i18next in the core. */
export function message(locale: Locale, key: string, vars: Record<string, string | number> = {}): string {
  let node: unknown = MESSAGES[locale] as unknown as Catalogue;
  for (const part of key.split('.')) node = (node as Catalogue | undefined)?.[part];
  return typeof node === 'string' ? fill(node, vars) : key;
}

export function inBothMessages(key: string, vars: Record<string, string | number> = {}): InBothLanguages {
  const out = {} as InBothLanguages;
  for (const locale of LOCALES) out[locale] = message(locale, key, vars);
  return out;
}

const both = (text: LocalizedText): InBothLanguages => ({
  'zh-CN': pickText(text, 'zh-CN'),
  en: pickText(text, 'en'),
});
export const same = (text: string): InBothLanguages => ({ 'zh-CN': text, en: text });

/** The names people read for the ids in the figures: the site file's, the ledger's devices, the catalogue's words. */
export class ReportLabels {
  private readonly names = new Map<string, LocalizedText>();
  readonly routeCheckpoints = new Map<string, string[]>();
  /** The site's guards in its file's order (the people section lists each, even one with nothing that period). */
  readonly guardIds: string[];

  constructor(
    site: Pick<SiteFile, 'zones' | 'routes' | 'guards' | 'gates'>,
    private readonly devices: ReadonlyMap<string, LocalizedText> = new Map(),
  ) {
    for (const z of site.zones) this.names.set(`zone:${z.id}`, z.name);
    for (const g of site.guards) this.names.set(`guard:${g.id}`, g.name);
    this.guardIds = site.guards.map((g) => g.id);
    for (const g of site.gates) this.names.set(`gate:${g.id}`, g.name);
    for (const r of site.routes) {
      this.names.set(`route:${r.id}`, r.name);
      this.routeCheckpoints.set(
        r.id,
        r.checkpoints.map((c) => c.id),
      );
      for (const c of r.checkpoints) this.names.set(`checkpoint:${c.id}`, c.name);
    }
  }

  private named(kind: string, id: string | null): InBothLanguages {
    if (!id) return inBothMessages('reports.none');
    const name = this.names.get(`${kind}:${id}`);
    return name ? both(name) : same(id);
  }

  zone = (id: string | null) => this.named('zone', id);
  guard = (id: string | null) => this.named('guard', id);
  route = (id: string | null) => this.named('route', id);
  checkpoint = (id: string | null) => this.named('checkpoint', id);
  gate = (id: string | null) => this.named('gate', id);
  device = (id: string | null): InBothLanguages => {
    if (!id) return inBothMessages('reports.none');
    const name = this.devices.get(id);
    return name ? both(name) : same(id);
  };
  alarmType = (type: string) => inBothMessages(`alarmType.${type}`);
  priority = (p: string | number) => inBothMessages('alarms.priority', { p });
  band = (b: string) => inBothMessages(b === 'day' ? 'topbar.shiftDay' : 'topbar.shiftNight');
  text = (key: string, vars?: Record<string, string | number>) => inBothMessages(key, vars);
}
