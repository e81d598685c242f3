/**
 * The residents' satisfaction import boundary (issue 19): whatever file a supervisor picks — random bytes, a CSV
 * with nasty cells, a broken or foreign .xlsx — `reports.satisfactionPreview` and `reports.satisfactionImport`
 * answer with a preview or a worded refusal (a code shared/i18n words in both languages), never an internal error,
 * never a crash; a valid preview keeps being answered while they run; an import writes all of its rows or none
 * (the table changes only by a whole file's good rows); and every stored result is within its bounds.
 */
import fc from 'fast-check';
import type { OperatorView, SatisfactionPreview } from '../../../shared/contract';
import { LocalDay } from '../../../shared/domain/report-period';
import { MESSAGES } from '../../../shared/i18n';
import { startCore } from '../../support/core';
import { tempDir } from '../../support/temp';
import {
  eachCase,
  probeWhile,
  sheetBase64,
  sheetCases,
  sheetCell,
  within,
  type Boundary,
  type SheetCase,
} from '../lib';

const SUPERVISOR: OperatorView = { id: 'fuzz-sup', name: '主管', role: 'supervisor' };
const HEADER = ['期间', '调查项目', '满意度', '样本量', '非常满意', '满意', '一般', '不满意', '非常不满意'];

const cell = sheetCell(
  [
    '2026-10',
    '2026-Q3',
    '2026年第三季度',
    '2026-10-01~2026-10-31',
    '居民安全满意度',
    '居民综合满意度',
    '92.5%',
    '0.9',
    '150',
    '0',
    '-1',
    '1e9',
    '',
  ],
  3,
);

type Case = SheetCase & { write: boolean };
const file: fc.Arbitrary<Case> = sheetCases(HEADER, cell, 10).chain((c) =>
  fc.boolean().map((write) => ({ ...c, write })),
);

/** A preview whose every code is worded in both languages. */
function worded(p: SatisfactionPreview): boolean {
  const both = (pick: (m: (typeof MESSAGES)['en']) => string | undefined) =>
    Boolean(pick(MESSAGES['zh-CN']) && pick(MESSAGES.en));
  const words = (m: (typeof MESSAGES)['en']) => m.reports.satisfaction;
  if (!p.ok) return both((m) => (words(m).refusal as Record<string, string>)[p.refusal]);
  return p.problems.every(
    (x) =>
      both((m) => (words(m).problem as Record<string, string>)[x.problem]) &&
      both((m) => (words(m).column as Record<string, string>)[x.column]),
  );
}

const boundary: Boundary = {
  name: 'satisfaction-import',
  weight: 0.3,
  async run(ctx, tally) {
    const tmp = tempDir('fuzz-satisfaction-import-');
    const core = await startCore(tmp.dir, { backups: { enabled: false } });
    const session = core.openSession('memory', SUPERVISOR);
    const call = (method: string, input: unknown) =>
      core.router.call(method, input, session) as Promise<
        { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }
      >;
    const count = async () => Number((await core.db('satisfaction_results').count({ n: '*' }))[0]!.n);
    const good = Buffer.from('期间,调查项目,满意度\n2026-10,居民安全满意度,90%\n').toString('base64');
    const probes = probeWhile(async () => {
      const r = await within(
        call('reports.satisfactionPreview', { name: 'p.csv', format: 'csv', base64: good }),
        ctx.stallMs,
      );
      if (!r || !r.ok) tally.stall(`a valid preview not answered within ${ctx.stallMs} ms`);
    });
    try {
      await eachCase(ctx, tally, file, 2, async (c) => {
        const input = { name: `fuzz.${c.format}`, format: c.format, base64: await sheetBase64(c, '满意度') };
        const before = await count();
        const r = c.write
          ? await call('reports.satisfactionImport', { file: input })
          : await call('reports.satisfactionPreview', input);
        if (!r.ok) {
          // A refusal by the contract (the file's size) is fine; anything the service did not word is a crash.
          if (r.error.code !== 'invalid_input') {
            tally.crashes++;
            tally.note(`${r.error.code}: ${r.error.message.slice(0, 120)}`);
          }
          return;
        }
        const value = r.value as SatisfactionPreview | { imported: number; preview: SatisfactionPreview };
        const preview = 'preview' in value ? value.preview : value;
        if (!worded(preview))
          tally.invalid(`a preview with a code no language words: ${JSON.stringify(preview).slice(0, 120)}`);
        if ('imported' in value) {
          const whole = preview.ok && preview.badRows === 0 && preview.good > 0;
          const grew = (await count()) - before;
          // All or nothing: a file with a wrong row adds nothing; a whole one adds at most its rows.
          if (
            whole
              ? value.imported !== preview.good || grew > preview.good
              : value.imported !== 0 || grew !== 0
          )
            tally.invalid(`an import half-written: ${value.imported} imported, ${grew} rows added`);
        }
      });
      await probes.finish();
      const stored = (await core.db('satisfaction_results').select()) as Array<Record<string, unknown>>;
      const bad = stored.filter(
        (s) =>
          !LocalDay.safeParse(s.first_day).success ||
          !LocalDay.safeParse(s.last_day).success ||
          String(s.last_day) < String(s.first_day) ||
          !(Number(s.score) >= 0 && Number(s.score) <= 1) ||
          String(s.dimension).length < 1 ||
          String(s.dimension).length > 40,
      );
      tally.invalid(`satisfaction results out of bounds: ${JSON.stringify(bad.slice(0, 2))}`, bad.length);
    } finally {
      await probes.stop();
      await core.stop();
      tmp.cleanup();
    }
  },
};

export default boundary;
