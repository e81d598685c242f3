import { fill } from '../../../shared/i18n/notices';
import type { Knex } from 'knex';
import type {
  CarryItemView,
  HandoverReport,
  HandoverReportView,
  InBothLanguages,
  RecordEntry,
  ShiftRecord,
} from '../../../shared/contract';
import type { CarryItem } from '../../../shared/domain/handover';
import { LOCALES, type Locale } from '../../../shared/domain/text';
import { MESSAGES, type Messages } from '../../../shared/i18n';
import { wordDutyText, type DutyRow } from '../duty';
import { same, type SiteNames } from '../site/names';
import type { SealCheckResult } from './shifts';

type Section = keyof Messages;
export type Translate = (section: Section, key: string, vars?: Record<string, string | number>) => string;

/** i18next-style `{{name}}` interpolation over the shared message files, without i18next in the core. */
export function translator(locale: Locale): Translate {
  const messages = MESSAGES[locale] as unknown as Record<string, Record<string, string>>;
  return (section, key, vars = {}) => {
    const text = messages[section]?.[key] ?? key;
    return fill(text, vars);
  };
}

function inEach(make: (locale: Locale, tr: Translate) => string): InBothLanguages {
  const out = {} as InBothLanguages;
  for (const locale of LOCALES) out[locale] = make(locale, translator(locale));
  return out;
}

/**
 * A carried-over item's line in each language, with names where the item holds ids. Reports sealed before
 * version 2 have only the item's text for cameras and devices; that text is shown with its site ids named.
 * What people wrote (follow-ups, drill titles) is shown as written.
 */
export function itemLabel(item: CarryItem, version: number | undefined, names: SiteNames): InBothLanguages {
  const structured = version !== undefined && version >= 2;
  return inEach((locale, tr) => {
    const zone = item.zone ? (names.zone(item.zone)?.[locale] ?? item.zone) : undefined;
    const withDetail = (label: string) =>
      item.detail ? tr('duty', 'field', { label, value: item.detail }) : label;
    switch (item.kind) {
      case 'alarm':
        if (!item.alarmType) break;
        return [
          `P${item.priority ?? '?'}`,
          tr('alarmType', item.alarmType),
          zone,
          item.state ? tr('alarmState', item.state) : undefined,
        ]
          .filter(Boolean)
          .join(' · ');
      case 'camera': {
        const camera = names.camera(item.key.slice('camera:'.length));
        if (structured && camera) return withDetail(camera[locale]);
        break;
      }
      case 'device':
        if (!structured || !item.deviceKind) break;
        return withDetail(
          [tr('deviceKind', item.deviceKind), zone, item.state ? tr('deviceState', item.state) : undefined]
            .filter(Boolean)
            .join(' · '),
        );
      case 'note':
      case 'drill':
        return item.text;
      case 'work_order':
      case 'hazard': {
        const words = MESSAGES[locale].facilities;
        const states: Record<string, string | undefined> =
          item.kind === 'hazard' ? words.hazardState : words.orderState;
        const state = item.state ? states[item.state] : undefined;
        // The English line keeps people's words out (a hazard is named by its category, an order the console
        // opened by its English title): the handover reads in one language.
        const what =
          locale === 'zh-CN'
            ? (item.detail ?? item.text)
            : item.kind === 'hazard'
              ? words.category[item.category as keyof typeof words.category]
              : item.text.slice((item.number?.length ?? -1) + 1);
        return [item.number, what, zone, state, item.overdue ? words.overdue : undefined]
          .filter(Boolean)
          .join(' · ');
      }
      case 'violation': {
        const words = MESSAGES[locale].violations;
        const kind = words.kind[item.areaKind as keyof typeof words.kind] as string | undefined;
        const state = words.state[item.state as keyof typeof words.state] as string | undefined;
        return [
          item.number,
          item.plate || words.plateUnknown,
          kind,
          item.areaName?.[locale],
          state,
          item.overdue ? words.overdue : undefined,
        ]
          .filter(Boolean)
          .join(' · ');
      }
      case 'patrol':
        break;
    }
    return wordDutyText(names.nameIds(item.text))[locale];
  });
}

export function describeReport(report: HandoverReport, names: SiteNames): HandoverReportView {
  return {
    ...report,
    items: report.items.map<CarryItemView>((i) => ({ ...i, label: itemLabel(i, report.version, names) })),
  };
}

type EntryRow = DutyRow & {
  operator_name: string | null;
  alarm_type: string | null;
  alarm_priority: number | null;
  alarm_zone: string | null;
};

function alarmLabel(r: EntryRow, names: SiteNames): InBothLanguages | undefined {
  if (!r.alarm_type) return undefined;
  return inEach((locale, tr) => {
    const zone = r.alarm_zone ? (names.zone(r.alarm_zone)?.[locale] ?? r.alarm_zone) : undefined;
    return [`P${r.alarm_priority ?? '?'}`, tr('alarmType', r.alarm_type!), zone].filter(Boolean).join(' · ');
  });
}

function entryOf(r: EntryRow, names: SiteNames): RecordEntry {
  // Links are shown for what people wrote; the console's own texts already say what they are about.
  const alarm = r.manual === 1 ? alarmLabel(r, names) : undefined;
  const camera = r.manual === 1 && r.camera_id ? names.camera(r.camera_id) : undefined;
  return {
    id: r.id,
    at: r.at,
    kind: r.kind,
    // An operator's words are theirs: only the console's own texts get their ids named.
    text: r.manual === 1 ? same(r.text) : wordDutyText(names.nameIds(r.text)),
    ...(r.operator_name ? { operatorName: r.operator_name } : {}),
    manual: r.manual === 1,
    followUp: r.follow_up === 1,
    ...(r.ref_id !== null ? { refId: r.ref_id } : {}),
    ...(alarm ? { alarm } : {}),
    ...(camera ? { camera } : {}),
  };
}

/** The sealed shift as people read it: derived from what the seal covers each time it is shown. */
export async function shiftRecord(
  db: Knex | Knex.Transaction,
  shift: {
    id: string;
    after_log_id: number;
    to_log_id: number;
    outgoing: string[];
    incoming: string[];
    sealed_at: number;
    seal_hash: string;
  },
  report: HandoverReport,
  check: SealCheckResult,
  names: SiteNames,
): Promise<ShiftRecord> {
  const rows = (await db('duty_log as d')
    .leftJoin('operators as o', 'o.id', 'd.operator_id')
    // An alarm's type, priority and zone are fixed when it is received.
    .leftJoin('alarms as a', 'a.id', 'd.alarm_id')
    .where('d.id', '>', shift.after_log_id)
    .andWhere('d.id', '<=', shift.to_log_id)
    .orderBy('d.id')
    .select(
      'd.*',
      'o.name as operator_name',
      'a.type as alarm_type',
      'a.priority as alarm_priority',
      'a.zone as alarm_zone',
    )) as EntryRow[];
  // The note is the manual handover entry written in the sealing transaction itself.
  const note = rows.findLast((r) => r.kind === 'handover' && r.manual === 1 && r.at === shift.sealed_at);
  const manual: RecordEntry[] = [];
  const automatic = new Map<string, RecordEntry[]>();
  for (const r of rows) {
    if (r === note) continue;
    const entry = entryOf(r, names);
    if (entry.manual || entry.followUp) manual.push(entry);
    else if (automatic.has(r.kind)) automatic.get(r.kind)!.push(entry);
    else automatic.set(r.kind, [entry]);
  }
  return {
    shiftId: shift.id,
    site: names.site,
    timeZone: names.timeZone,
    from: report.from,
    to: report.to,
    outgoing: shift.outgoing,
    incoming: shift.incoming,
    operators: report.operators,
    ...(note ? { note: entryOf(note, names) } : {}),
    items: describeReport(report, names).items,
    manual,
    automatic: [...automatic]
      .map(([kind, entries]) => ({ kind, entries }))
      .sort((a, b) => b.entries.length - a.entries.length || a.kind.localeCompare(b.kind)),
    entryCount: rows.length,
    stats: report.stats,
    signatures: {
      // Both sign in the one act that seals the shift.
      signers: [
        ...shift.outgoing.map((name) => ({ role: 'outgoing' as const, name, at: shift.sealed_at })),
        ...shift.incoming.map((name) => ({ role: 'incoming' as const, name, at: shift.sealed_at })),
      ],
      sealedAt: shift.sealed_at,
      sealHash: shift.seal_hash,
      check,
    },
  };
}
