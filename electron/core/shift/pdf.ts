import PDFDocument from 'pdfkit';
import type { RecordEntry, ShiftRecord } from '../../../shared/contract';
import { formatDateTime, joinList, type Locale } from '../../../shared/domain/text';
import { findPdfFont, usePdfFont } from '../pdf/font';
import { translator } from './record';

/**
 * The sealed shift record as an A4 PDF in the operator's language, made in the core so Electron and the web
 * host give the same file, in the order of the record on screen, with the console's own entries in an
 * appendix and lines for both hand signatures. Chinese needs a CJK font: without one a Chinese report is
 * refused rather than printed as empty boxes.
 */
export async function handoverPdf(o: { record: ShiftRecord; locale: Locale }): Promise<Buffer> {
  const { record, locale } = o;
  const tr = translator(locale);
  const field = (label: string, value: string) => tr('duty', 'field', { label, value });
  const when = (ms: number) => formatDateTime(ms, locale, record.timeZone);
  const list = (items: string[]) => (items.length ? joinList(items, locale) : '—');
  // English needs no CJK font, but the names in a record (operators, places) are often Chinese anyway.
  const font = findPdfFont();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: { Title: tr('duty', 'reportTitle'), Creator: 'Control Room Console' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  usePdfFont(doc, font);
  const heading = (text: string) =>
    doc.moveDown(0.8).fontSize(13).fillColor('#000').text(text).moveDown(0.3).fontSize(10.5);
  const subheading = (text: string) => doc.moveDown(0.4).fontSize(11).text(text).moveDown(0.2).fontSize(10.5);
  const entryLine = (e: RecordEntry) => {
    const marks = [
      e.followUp ? tr('duty', 'followUpMark') : undefined,
      e.refId !== undefined
        ? tr('duty', e.kind === 'follow_up_done' ? 'closes' : 'correctionOf', { id: e.refId })
        : undefined,
    ].filter((m): m is string => Boolean(m));
    const head = `#${e.id}  ${when(e.at)}  [${tr('duty', `kind_${e.kind}`)}]${e.operatorName ? ` ${e.operatorName}` : ''}${marks.length ? ` (${list(marks)})` : ''}`;
    doc.text(head, { indent: 8 });
    doc.text(e.text[locale], { indent: 24 });
    const links = [
      e.alarm ? field(tr('duty', 'linkedAlarm'), e.alarm[locale]) : undefined,
      e.camera ? field(tr('duty', 'cameraLink'), e.camera[locale]) : undefined,
    ].filter((l): l is string => Boolean(l));
    if (links.length) doc.fillColor('#444').text(links.join('    '), { indent: 24 }).fillColor('#000');
  };

  doc.fontSize(18).text(tr('duty', 'reportTitle'), { align: 'center' });
  doc.moveDown(0.5).fontSize(10.5);
  doc.text(field(tr('duty', 'site'), record.site[locale]));
  doc.text(field(tr('duty', 'period'), `${when(record.from)} – ${when(record.to)}`));
  doc.text(
    `${field(tr('duty', 'outgoing'), list(record.outgoing))}    ${field(tr('duty', 'incoming'), list(record.incoming))}`,
  );
  doc.text(field(tr('duty', 'operatorsOnDuty'), list(record.operators)));

  heading(tr('duty', 'handoverNote'));
  if (record.note) {
    doc.text(record.note.text[locale]);
    doc
      .fillColor('#444')
      .text(`— ${record.note.operatorName ?? ''} ${when(record.note.at)}`)
      .fillColor('#000');
  } else {
    doc.text(tr('duty', 'noNote'));
  }

  heading(`${tr('duty', 'items')} (${record.items.length})`);
  if (record.items.length === 0) doc.text(tr('duty', 'noCarryOver'));
  for (const item of record.items) {
    doc.text(
      `[${tr('duty', `item_${item.kind}`)}] ${item.label[locale]}${item.since ? `  (${when(item.since)})` : ''}`,
      { indent: 8 },
    );
  }

  heading(tr('duty', 'entries'));
  doc.text(tr('duty', 'entriesCount', { count: record.entryCount, manual: record.manual.length }));
  subheading(tr('duty', 'manualEntries'));
  if (record.manual.length === 0) doc.text(tr('duty', 'noManual'), { indent: 8 });
  for (const e of record.manual) entryLine(e);
  subheading(tr('duty', 'automaticEntries'));
  if (record.automatic.length) {
    doc.text(
      `${list(
        record.automatic.map((g) =>
          field(tr('duty', `kind_${g.kind}`), tr('duty', 'entryCount', { count: g.entries.length })),
        ),
      )} (${tr('duty', 'inAppendix')})`,
      { indent: 8 },
    );
  } else {
    doc.text('—', { indent: 8 });
  }

  const s = record.stats;
  heading(tr('duty', 'stats'));
  doc.text(field(tr('duty', 'statAlarms'), String(s.total)));
  doc.text(
    field(
      tr('duty', 'statAck'),
      `${s.acknowledgedWithinTarget} / ${s.acknowledged}${s.acknowledged ? ` (${Math.round((100 * s.acknowledgedWithinTarget) / s.acknowledged)} %)` : ''}`,
    ),
  );
  if (s.ackP50Ms !== null) doc.text(field(tr('duty', 'statAckP50'), `${Math.round(s.ackP50Ms / 1000)} s`));
  doc.text(field(tr('duty', 'statResolved'), `${s.resolved} (${s.resolvedWithinTarget})`));
  const types = Object.entries(s.byType).sort((a, b) => b[1] - a[1]);
  if (types.length) {
    doc.text(field(tr('duty', 'byType'), list(types.map(([type, n]) => `${tr('alarmType', type)} ${n}`))));
  }

  const sig = record.signatures;
  heading(tr('duty', 'signatures'));
  for (const signer of sig.signers) {
    doc.text(
      `${field(tr('duty', signer.role), signer.name)}    ${tr('duty', 'signedAt', { time: when(signer.at) })}`,
    );
  }
  doc.text(tr('duty', 'sealedAt', { time: when(sig.sealedAt) }));
  doc.text(field(tr('duty', 'sealHash'), sig.sealHash), { width: 480 });
  doc.text(
    sig.check.ok
      ? tr('duty', 'verifyOk', { count: sig.check.entries })
      : tr('duty', 'verifyBroken', { id: sig.check.brokenAt ?? 0, reason: sig.check.reason ?? '' }),
  );
  // Lines for the ink signatures of the printed copy, kept together on one page.
  if (doc.y > doc.page.height - 160) doc.addPage();
  doc.moveDown(1.5);
  for (const role of ['outgoing', 'incoming'] as const) {
    doc.text(
      `${field(tr('duty', `handSign_${role}`), '______________________')}    ${field(tr('duty', 'signDate'), '______________')}`,
    );
    doc.moveDown(1.5);
  }

  if (record.automatic.length) {
    doc.addPage();
    doc.fontSize(14).text(tr('duty', 'appendix')).fontSize(10.5);
    for (const group of record.automatic) {
      subheading(
        `${tr('duty', `kind_${group.kind}`)} (${tr('duty', 'entryCount', { count: group.entries.length })})`,
      );
      for (const e of group.entries) entryLine(e);
    }
  }
  doc.end();
  return done;
}
