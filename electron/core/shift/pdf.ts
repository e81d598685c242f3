import PDFDocument from 'pdfkit';
import type { HandoverReport, ShiftView } from '../../../shared/contract';
import type { CarryItem } from '../../../shared/domain/handover';
import type { Locale } from '../../../shared/domain/text';
import { MESSAGES, type Messages } from '../../../shared/i18n';
import { findPdfFont, usePdfFont } from '../pdf/font';
import type { SealCheckResult } from './shifts';

type Section = keyof Messages;

/** i18next-style `{{name}}` interpolation over the shared message files, without i18next in the core. */
function translator(locale: Locale) {
  const messages = MESSAGES[locale] as unknown as Record<string, Record<string, string>>;
  return (section: Section, key: string, vars: Record<string, string | number> = {}) => {
    const text = messages[section]?.[key] ?? key;
    return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ''));
  };
}

export function itemLabel(item: CarryItem, tr: ReturnType<typeof translator>): string {
  if (item.kind === 'alarm' && item.alarmType) {
    return [
      `P${item.priority ?? '?'}`,
      tr('alarmType', item.alarmType),
      item.zone,
      item.state ? tr('alarmState', item.state) : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
  }
  return item.text;
}

/**
 * The handover report as an A4 PDF in the operator's language, made in the core so Electron and the web
 * host give the same file. Chinese needs a CJK font: without one a Chinese report is refused rather than
 * printed as empty boxes.
 */
export async function handoverPdf(o: {
  shift: ShiftView;
  report: HandoverReport;
  check: SealCheckResult | null;
  sealHash?: string | undefined;
  siteName: string;
  locale: Locale;
}): Promise<Buffer> {
  const tr = translator(o.locale);
  // English needs no CJK font, but the names in a report (operators, places) are often Chinese anyway.
  const font = findPdfFont();
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: tr('duty', 'reportTitle') } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  usePdfFont(doc, font);
  const when = (ms: number) =>
    new Date(ms).toLocaleString(o.locale, {
      hour12: false,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
  const heading = (text: string) =>
    doc.moveDown(0.8).fontSize(13).fillColor('#000').text(text).moveDown(0.3).fontSize(10.5);
  const { report, shift } = o;

  doc.fontSize(18).text(tr('duty', 'reportTitle'), { align: 'center' });
  doc.moveDown(0.5).fontSize(10.5);
  doc.text(`${tr('duty', 'site')}: ${o.siteName}`);
  doc.text(`${tr('duty', 'period')}: ${when(report.from)} – ${when(report.to)}`);
  doc.text(`${tr('duty', 'operatorsOnDuty')}: ${report.operators.join('、') || '—'}`);
  doc.text(
    `${tr('duty', 'outgoing')}: ${(shift.outgoing ?? []).join('、') || '—'}    ${tr('duty', 'incoming')}: ${(shift.incoming ?? []).join('、') || '—'}`,
  );

  heading(`${tr('duty', 'items')} (${report.items.length})`);
  if (report.items.length === 0) doc.text(tr('duty', 'noCarryOver'));
  for (const item of report.items) {
    doc.text(
      `☐ [${tr('duty', `item_${item.kind}`)}] ${itemLabel(item, tr)}${item.since ? `  (${when(item.since)})` : ''}`,
      { indent: 8 },
    );
  }

  const s = report.stats;
  heading(tr('duty', 'stats'));
  doc.text(`${tr('duty', 'statAlarms')}: ${s.total}`);
  doc.text(
    `${tr('duty', 'statAck')}: ${s.acknowledgedWithinTarget} / ${s.acknowledged}${s.acknowledged ? ` (${Math.round((100 * s.acknowledgedWithinTarget) / s.acknowledged)} %)` : ''}`,
  );
  if (s.ackP50Ms !== null) doc.text(`${tr('duty', 'statAckP50')}: ${Math.round(s.ackP50Ms / 1000)} s`);
  doc.text(`${tr('duty', 'statResolved')}: ${s.resolved} (${s.resolvedWithinTarget})`);
  doc.text(tr('duty', 'statEntries', { count: s.dutyEntries, manual: s.manualEntries }));
  const types = Object.entries(s.byType).sort((a, b) => b[1] - a[1]);
  if (types.length) {
    doc.text(
      `${tr('duty', 'byType')}: ${types.map(([type, n]) => `${tr('alarmType', type)} ${n}`).join('，')}`,
    );
  }

  heading(tr('duty', 'signatures'));
  if (shift.sealedAt !== undefined) {
    doc.text(tr('duty', 'sealedAt', { time: when(shift.sealedAt) }));
    if (o.sealHash) doc.text(`${tr('duty', 'sealHash')}: ${o.sealHash}`, { width: 480 });
    if (o.check) {
      doc.text(
        o.check.ok
          ? tr('duty', 'verifyOk', { count: o.check.entries })
          : tr('duty', 'verifyBroken', { id: o.check.brokenAt ?? 0, reason: o.check.reason ?? '' }),
      );
    }
  } else {
    doc.text(tr('duty', 'notSealed'));
  }
  doc.end();
  return done;
}
