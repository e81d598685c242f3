import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import PDFDocument from 'pdfkit';
import type { DrillView, RunView } from '../../../shared/contract';
import { MESSAGES } from '../../../shared/i18n';
import { runState, stepTimings, type PlaybookDefinition } from '../../../shared/domain/playbook';
import type { SiteFile } from '../../../shared/domain/site';
import { pickText, type Locale } from '../../../shared/domain/text';
import type { ClipFile } from '../../../shared/contract';
import { fill } from '../../../shared/i18n/notices';
import { storedAlarmText } from '../alarms';
import { ServiceError } from '../errors';
import { findPdfFont, usePdfFont } from '../pdf/font';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../../common/private-files';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}
export function stamp(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
const clock = (at: number) => stamp(at).slice(11);
const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${pad(s % 60)}`;
};

type Labels = (typeof MESSAGES)['en']['playbooks']['report'];

class Pdf {
  readonly doc: PDFKit.PDFDocument;
  private chunks: Buffer[] = [];
  private done: Promise<Buffer>;

  constructor(font: { file: string; face?: string }, title: string) {
    this.doc = new PDFDocument({
      size: 'A4',
      margin: 48,
      info: { Title: title, Creator: 'Control Room Console' },
    });
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve) => this.doc.on('end', () => resolve(Buffer.concat(this.chunks))));
    usePdfFont(this.doc, font);
  }

  heading(text: string, size = 18) {
    this.doc.moveDown(0.6).fontSize(size).fillColor('#000').text(text);
    this.doc.moveDown(0.2);
  }
  line(text: string, options: { size?: number; colour?: string; indent?: number } = {}) {
    this.doc
      .fontSize(options.size ?? 10)
      .fillColor(options.colour ?? '#000')
      .text(text, { indent: options.indent ?? 0 });
  }
  image(file: string, caption: string) {
    try {
      if (this.doc.y > 600) this.doc.addPage();
      this.doc.image(readFileSync(file), { fit: [320, 200] });
      this.line(caption, { size: 9, colour: '#444' });
      this.doc.moveDown(0.4);
    } catch {
      this.line(`${caption} (image missing: ${file})`, { size: 9, colour: '#a00' });
    }
  }
  async end(): Promise<Buffer> {
    this.doc.end();
    return this.done;
  }
}

function stepTitle(def: PlaybookDefinition, id: string, locale: Locale): string {
  const s = def.steps.find((x) => x.id === id);
  return s ? pickText(s.title, locale) : id;
}

interface TimelineEntry {
  at: number;
  who: string;
  text: string;
}

export interface ReportContext {
  db: Knex;
  site: SiteFile;
  dataDir: string;
  font?: string | undefined;
  now: number;
  operatorName: string;
}

function saveReport(ctx: ReportContext, name: string, bytes: Buffer) {
  const dir = join(ctx.dataDir, 'reports');
  makePrivateDir(dir);
  const file = join(dir, name);
  writeFileSync(file, bytes, { mode: PRIVATE_FILE_MODE });
  return { file, name, pdf: bytes.toString('base64'), bytes: bytes.length };
}

function fileStamp(at: number) {
  return stamp(at)
    .replace(/[-: ]/g, '')
    .replace(/^(\d{8})/, '$1-');
}

/** The incident report: alarms, a timeline of everything done, each checklist, the snapshots. */
export async function incidentReport(
  ctx: ReportContext,
  incidentId: string,
  runs: RunView[],
  locale: Locale,
) {
  const L: Labels = MESSAGES[locale].playbooks.report;
  const M = MESSAGES[locale];
  const incident = (await ctx.db('incidents').where({ id: incidentId }).first()) as
    { id: string; zone: string | null; opened_at: number; drill: number } | undefined;
  if (!incident) throw new ServiceError('not_found', `There is no incident "${incidentId}".`);
  const font = findPdfFont(ctx.font);
  const zoneName = (id: string | null | undefined) => {
    const z = id ? ctx.site.zones.find((x) => x.id === id) : undefined;
    return z ? pickText(z.name, locale) : (id ?? '—');
  };
  const guardName = (id: string) => {
    const g = ctx.site.guards.find((x) => x.id === id);
    return g ? pickText(g.name, locale) : id;
  };
  const alarms = (await ctx.db('alarms').where({ incident_id: incidentId }).orderBy('received_at')) as {
    id: string;
    type: string;
    priority: number;
    zone: string | null;
    received_at: number;
    state: string;
    disposition: string | null;
    text: string | null;
    texts: string | null;
    drill: number;
  }[];
  const drill = incident.drill === 1 || alarms.some((a) => a.drill === 1);
  const events = (await ctx
    .db('alarm_events')
    .whereIn(
      'alarm_id',
      alarms.map((a) => a.id),
    )
    .orderBy('id')) as {
    alarm_id: string;
    at: number;
    kind: string;
    operator_name: string | null;
    note: string | null;
  }[];
  const calls = (await ctx.db('calls').where({ incident_id: incidentId }).orderBy('started_at')) as {
    name: string;
    number: string;
    started_at: number;
    ended_at: number;
    outcome: string;
    note: string | null;
    operator_name: string;
    simulated: number;
    run_id: string | null;
  }[];
  const snapshots = (await ctx.db('incident_snapshots').where({ incident_id: incidentId }).orderBy('at')) as {
    camera_id: string;
    file: string;
    at: number;
    operator_name: string;
  }[];

  // Evidence clips of the incident or of its alarms (the recordings feature's table; read-only here).
  const exports = (await ctx
    .db('recording_exports')
    .where('incident_id', incidentId)
    .orWhereIn(
      'alarm_id',
      alarms.map((a) => a.id),
    )
    .orderBy('exported_at')) as {
    exported_at: number;
    operator_name: string;
    reason: string;
    folder: string;
    files: string;
    gaps: number;
  }[];

  const timeline: TimelineEntry[] = [];
  const alarmLabel = (id: string) => {
    const a = alarms.find((x) => x.id === id);
    return a ? ((M.alarmType as Record<string, string>)[a.type] ?? a.type) : id;
  };
  for (const e of events) {
    const kind = (L.event as Record<string, string>)[e.kind] ?? e.kind;
    timeline.push({
      at: e.at,
      who: e.operator_name && e.operator_name !== 'system' ? e.operator_name : L.system,
      text: `${L.alarm} ${alarmLabel(e.alarm_id)}: ${kind}${e.note ? ` — ${e.note}` : ''}`,
    });
  }
  for (const run of runs) {
    const title = pickText(run.definition.title, locale);
    timeline.push({
      at: run.startedAt,
      who: run.startedBy,
      text: `${L.playbookStarted}: ${title} (v${run.version})`,
    });
    for (const r of run.records) {
      const outcome = (L.outcome as Record<string, string>)[r.outcome] ?? r.outcome;
      timeline.push({
        at: r.at,
        who: r.operatorName,
        text:
          `${L.step} ${stepTitle(run.definition, r.stepId, locale)}: ${outcome}` +
          (r.guardId ? ` → ${guardName(r.guardId)}` : '') +
          (r.reason ? ` (${L.reason}: ${r.reason})` : '') +
          (r.note ? ` — ${r.note}` : ''),
      });
    }
  }
  for (const c of calls) {
    timeline.push({
      at: c.started_at,
      who: c.operator_name,
      text:
        `${L.call} ${c.name} ${c.number}: ${(L.callOutcome as Record<string, string>)[c.outcome] ?? c.outcome}, ` +
        `${duration(c.ended_at - c.started_at)}${c.simulated ? ` [${L.simulated}]` : ''}${c.note ? ` — ${c.note}` : ''}`,
    });
  }
  for (const s of snapshots)
    timeline.push({ at: s.at, who: s.operator_name, text: `${L.snapshot}: ${s.camera_id}` });
  timeline.sort((a, b) => a.at - b.at);

  const title = `${drill ? `[${L.drill}] ` : ''}${L.incidentTitle}`;
  const pdf = new Pdf(font, title);
  pdf.heading(title, 20);
  pdf.line(`${pickText(ctx.site.name, locale)} · ${pickText(ctx.site.address, locale)}`);
  pdf.line(
    `${L.incident}: ${incident.id} · ${L.zone}: ${zoneName(incident.zone)} · ${L.opened}: ${stamp(incident.opened_at)}`,
  );
  pdf.line(`${L.generated}: ${stamp(ctx.now)} · ${ctx.operatorName}`, { colour: '#444' });
  if (drill) pdf.line(L.drillNote, { colour: '#a00' });

  pdf.heading(L.alarms, 14);
  for (const a of alarms) {
    const said = storedAlarmText(a, locale);
    pdf.line(
      `${stamp(a.received_at)}  P${a.priority} ${alarmLabel(a.id)} · ${zoneName(a.zone)} · ` +
        `${(M.alarmState as Record<string, string>)[a.state] ?? a.state}` +
        (a.disposition
          ? ` · ${(M.disposition as Record<string, string>)[a.disposition] ?? a.disposition}`
          : '') +
        (said ? ` · ${said}` : ''),
    );
  }

  pdf.heading(L.timeline, 14);
  for (const e of timeline) pdf.line(`${clock(e.at)}  ${e.who}  ${e.text}`);

  for (const run of runs) {
    pdf.heading(`${L.checklist}: ${pickText(run.definition.title, locale)} (v${run.version})`, 14);
    const state = runState(run.definition, run.records, run.startedAt, ctx.now);
    state.steps.forEach((s, i) => {
      const status = (L.status as Record<string, string>)[s.status] ?? s.status;
      const r = s.record;
      pdf.line(
        `${i + 1}. ${stepTitle(run.definition, s.id, locale)} — ${status}` +
          (r ? ` ${clock(r.at)} ${r.operatorName}` : '') +
          (s.late || s.overdue ? ` [${L.late}]` : '') +
          (r?.reason ? ` (${L.reason}: ${r.reason})` : ''),
        { colour: s.status === 'skipped' || s.late || s.overdue ? '#a00' : '#000' },
      );
    });
  }

  if (exports.length) {
    // What the police receive, with the hashes they check it by (sha256sum -c SHA256SUMS in the folder).
    pdf.heading(L.evidence, 14);
    for (const e of exports) {
      pdf.line(
        fill(L.evidenceLine, {
          at: stamp(e.exported_at),
          by: e.operator_name,
          reason: e.reason,
          folder: e.folder,
        }),
      );
      for (const f of JSON.parse(e.files) as ClipFile[])
        pdf.line(
          f.file
            ? fill(L.evidenceFile, {
                camera: f.cameraId,
                seconds: f.seconds,
                bytes: f.bytes,
                sha: f.sha256 ?? '—',
              })
            : fill(L.evidenceNone, { camera: f.cameraId }),
          { size: 8, indent: 12 },
        );
      if (e.gaps) pdf.line(L.evidenceGaps, { size: 8, indent: 12, colour: '#a00' });
    }
  }

  if (snapshots.length) {
    pdf.heading(L.snapshots, 14);
    for (const s of snapshots)
      pdf.image(
        join(ctx.dataDir, 'snapshots', s.file),
        `${clock(s.at)} · ${s.camera_id} · ${s.operator_name}`,
      );
  }
  const bytes = await pdf.end();
  return saveReport(ctx, `incident-${incidentId}-${fileStamp(ctx.now)}-${locale}.pdf`, bytes);
}

/** The after-action report of a drill: every step against its target, skips and lateness, findings. */
export async function drillReport(
  ctx: ReportContext,
  drill: DrillView,
  run: RunView | undefined,
  locale: Locale,
) {
  const L: Labels = MESSAGES[locale].playbooks.report;
  const font = findPdfFont(ctx.font);
  const title = `[${L.drill}] ${L.afterActionTitle}`;
  const pdf = new Pdf(font, title);
  pdf.heading(title, 20);
  pdf.line(`${pickText(ctx.site.name, locale)} · ${pickText(ctx.site.address, locale)}`);
  pdf.line(`${L.drillName}: ${drill.title}`);
  if (run) pdf.line(`${L.playbook}: ${pickText(run.definition.title, locale)} (v${run.version})`);
  pdf.line(
    `${L.scheduled}: ${stamp(drill.scheduledAt)}` +
      (drill.startedAt ? ` · ${L.started}: ${stamp(drill.startedAt)}` : '') +
      (drill.finishedAt ? ` · ${L.finished}: ${stamp(drill.finishedAt)}` : ''),
  );
  pdf.line(`${L.generated}: ${stamp(ctx.now)} · ${ctx.operatorName}`, { colour: '#444' });
  if (drill.objectives) {
    pdf.heading(L.objectives, 14);
    pdf.line(drill.objectives);
  }
  pdf.heading(L.rollCall, 14);
  const names = [...new Set([...drill.participants, ...Object.keys(drill.rollCall)])];
  if (!names.length) pdf.line('—');
  for (const p of names) pdf.line(`${p}: ${drill.rollCall[p] ? L.present : L.absent}`);

  const problems: string[] = [];
  if (run) {
    pdf.heading(L.stepTimes, 14);
    const state = runState(run.definition, run.records, run.startedAt, drill.finishedAt ?? ctx.now);
    stepTimings(run.definition, state, run.startedAt).forEach((t, i) => {
      const name = stepTitle(run.definition, t.stepId, locale);
      // The drill ended on this step: it was not completed.
      const status =
        t.status === 'current'
          ? L.notCompleted
          : ((L.status as Record<string, string>)[t.status] ?? t.status);
      const record = state.steps[i]?.record;
      pdf.line(
        `${i + 1}. ${name} — ${status} · ${L.actual} ${t.elapsedMs !== undefined ? duration(t.elapsedMs) : '—'}` +
          ` · ${L.target} ${t.targetMs !== undefined ? duration(t.targetMs) : '—'}` +
          (t.late ? ` [${L.late}]` : ''),
        { colour: t.late || t.status === 'skipped' ? '#a00' : '#000' },
      );
      if (t.status === 'skipped')
        problems.push(`${name}: ${L.status.skipped} (${L.reason}: ${record?.reason ?? ''})`);
      else if (t.status === 'current') problems.push(`${name}: ${L.notCompleted}`);
      else if (t.late) problems.push(`${name}: ${L.late}`);
    });
    pdf.heading(L.skippedOrLate, 14);
    if (!problems.length) pdf.line(L.none);
    for (const p of problems) pdf.line(p, { colour: '#a00' });
    pdf.heading(L.calls, 14);
    if (!run.calls.length) pdf.line(L.none);
    for (const c of run.calls)
      pdf.line(
        `${clock(c.startedAt)} ${c.name} ${c.number}: ${(L.callOutcome as Record<string, string>)[c.outcome] ?? c.outcome}, ` +
          `${duration(c.endedAt - c.startedAt)} [${L.simulated}] · ${c.operatorName}`,
      );
  }
  pdf.heading(L.observations, 14);
  pdf.line(drill.observations || L.none);
  pdf.heading(L.correctiveActions, 14);
  if (!drill.correctiveActions.length) pdf.line(L.none);
  drill.correctiveActions.forEach((a, i) =>
    pdf.line(`${i + 1}. ${a.action} · ${L.owner}: ${a.owner} · ${L.due}: ${a.due}`),
  );
  const bytes = await pdf.end();
  return saveReport(ctx, `drill-${drill.id}-${fileStamp(ctx.now)}-${locale}.pdf`, bytes);
}
