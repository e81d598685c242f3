/**
 * What one DC-09 message means: its Contact ID or SIA-DCS data read against the shipped tables and the site's
 * overrides, then turned into reports on the panel or one of its zones, worded in both console languages.
 */
import type { SourceOrigin, SourceReport } from '../source';
import { worded } from '../source';
import type { AccountConfig, Dc09Config, TimestampWindow } from './config';
import {
  CONTACT_ID_TABLE,
  effectOf,
  lookupCode,
  parseContactId,
  qualifierMeaning,
  type CodeAction,
  type CodeEntry,
  type Meaning,
} from './contact-id';
import type { Dc09Content, Dc09Frame } from './frame';
import { parseSiaData, SIA_CLOSING, SIA_TABLE } from './sia-dcs';

/** One configured account (panel) as the receiver tracks it. */
export interface AccountState {
  cfg: AccountConfig;
  key?: Buffer;
  window: TimestampWindow;
  lastSeen: number;
  /** A communication fault is committed and not yet cleared. */
  faulted: boolean;
  faultCommit?: Promise<void>;
}

/** One message's meaning before it becomes reports. */
export interface Decoded {
  protocol: string;
  code: string;
  entry: CodeEntry | undefined;
  meaning: Meaning;
  armed?: boolean;
  qualifier?: number;
  partition?: string;
  /** ZZZ of Contact ID, or the digits after a SIA code. */
  address?: string;
  user?: string;
}

export const panelId = (sourceId: string, account: string) => `dc09:${sourceId}:${account}`;

export const panelDevice = (sourceId: string, a: AccountState): SourceReport['device'] => ({
  id: panelId(sourceId, a.cfg.account),
  kind: 'alarm_panel',
  ...(a.cfg.label !== undefined ? { label: a.cfg.label } : {}),
  ...(a.cfg.supervisionSec !== undefined ? { supervisionSec: a.cfg.supervisionSec } : {}),
});

export function decode(
  config: Dc09Config,
  frame: Dc09Frame,
  content: Dc09Content,
  a: AccountState,
): { events: Decoded[] } | { duh: string } {
  if (frame.token === 'NULL') return { events: [] };
  const overrides = [a.cfg.codeOverrides, config.codeOverrides];
  if (frame.token === 'ADM-CID') {
    const p = parseContactId(content.data);
    if (!p.ok) return { duh: p.reason };
    const { qualifier, code, partition, zone } = p.cid;
    const meaning = qualifierMeaning(qualifier);
    if (!meaning) return { duh: `Contact ID qualifier ${qualifier} is not 1, 3 or 6` };
    const entry = lookupCode(CONTACT_ID_TABLE, code, ...overrides);
    return {
      events: [
        {
          protocol: 'ADM-CID',
          code,
          entry,
          meaning,
          ...(entry?.arming && qualifier !== 6 ? { armed: qualifier === 3 } : {}),
          qualifier,
          partition,
          address: zone,
        },
      ],
    };
  }
  const s = parseSiaData(content.data);
  if (!s.ok) return { duh: s.reason };
  return {
    events: s.events.map((e) => {
      const shipped = SIA_TABLE.get(e.code);
      const entry = lookupCode(SIA_TABLE, e.code, ...overrides);
      return {
        protocol: 'SIA-DCS',
        code: e.code,
        entry,
        meaning: shipped?.restore && entry?.action === shipped.action ? 'restore' : 'new',
        ...(entry?.arming ? { armed: SIA_CLOSING.has(e.code) } : {}),
        ...(e.partition !== undefined ? { partition: e.partition } : {}),
        address: e.address,
        ...(e.user !== undefined ? { user: e.user } : {}),
      };
    }),
  };
}

export function toReport(
  config: Dc09Config,
  d: Decoded,
  a: AccountState,
  at: number,
  base: Record<string, string | number | boolean>,
) {
  const entry: CodeEntry = d.entry ?? {
    action: config.unknownCode as CodeAction,
    scope: 'zone',
    zh: `未知代码 ${d.code}`,
    en: `Unknown code ${d.code}`,
  };
  const number = d.address !== undefined && /^[0-9]+$/.test(d.address) ? parseInt(d.address, 10) : undefined;
  const origin: Record<string, string | number | boolean> = {
    ...base,
    code: d.code,
    codeName_zh: entry.zh,
    codeName_en: entry.en,
  };
  if (d.qualifier !== undefined) origin.qualifier = d.qualifier;
  if (d.partition !== undefined) origin.partition = d.partition;
  if (d.user !== undefined) origin.user = d.user;
  if (!d.entry) origin.unknown = true;
  if (d.armed !== undefined) origin.armed = d.armed;

  let device = panelDevice(config.id, a);
  let zone = a.cfg.zone;
  let location = a.cfg.position;
  let cameras: string[] = [];
  if (entry.scope === 'user' && d.address !== undefined) origin.user = number ?? d.address;
  else if (entry.scope === 'zone' && number !== undefined && number > 0) {
    origin.zone = number;
    const m = a.cfg.zones[String(number)];
    device = {
      id: `${panelId(config.id, a.cfg.account)}:zone:${number}`,
      kind: 'panel_zone',
      ...(m?.device !== undefined ? { label: m.device } : {}),
    };
    zone = m?.zone ?? zone;
    // A zone mapped elsewhere than the panel's own zone is not where the panel is: its zone's centre, unless placed.
    location = m?.position ?? (m?.zone === undefined ? location : undefined);
    cameras = m?.cameras ?? [];
  } else if (d.address) origin.zone = number ?? d.address;

  const effect = effectOf(entry.action, d.meaning);
  // Its meaning, then what the panel sent as it sent it (protocol, qualifier and code, partition, address).
  const where = `${d.protocol} ${d.qualifier ?? ''}${d.code} ${d.partition ?? ''} ${d.address ?? ''}`.trim();
  return {
    key: '',
    device,
    ...effect,
    ...(zone !== undefined ? { zone } : {}),
    ...(cameras.length ? { cameras } : {}),
    ...(location !== undefined ? { location } : {}),
    at,
    ...worded(`${entry.zh}（${where}）`, `${entry.en} (${where})`),
    origin: origin as SourceOrigin,
  } satisfies SourceReport;
}
