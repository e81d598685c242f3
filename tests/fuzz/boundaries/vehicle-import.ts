/**
 * The vehicle import boundary (issue 17): whatever file a supervisor picks — random bytes, a CSV with nasty cells,
 * a broken or foreign .xlsx — `vehicles.importPreview` and `vehicles.import` answer with a preview or a worded
 * refusal (a code shared/i18n words in both languages), never an internal error, never a crash; a valid preview
 * keeps being answered while they run; and every record an import stored has a valid plate in its stored form.
 */
import fc from 'fast-check';
import type { VehicleImportPreview, OperatorView } from '../../../shared/contract';
import { checkPlate } from '../../../shared/domain/plate';
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
const HEADER = ['车牌号', '车主', '房号', '电话', '车型', '凭证类型', '有效期起', '有效期止', '黑名单'];

const cell = sheetCell(['浙A12345', '粤BD12345', '京A1234警', '使123456', '', '是', '2026-01-01'], 2);

type Case = SheetCase & { mode?: 'all_or_nothing' | 'good_rows' };
const file: fc.Arbitrary<Case> = sheetCases(HEADER, cell, 12).chain((c) =>
  fc.constantFrom<Case['mode']>(undefined, 'all_or_nothing', 'good_rows').map((mode) => ({ ...c, mode })),
);

/** A preview whose every code is worded in both languages. */
function worded(p: VehicleImportPreview): boolean {
  const both = (pick: (m: (typeof MESSAGES)['en']) => string | undefined) =>
    Boolean(pick(MESSAGES['zh-CN']) && pick(MESSAGES.en));
  if (!p.ok) return both((m) => (m.vehicles.import.refusal as Record<string, string>)[p.refusal]);
  return p.problems.every(
    (x) =>
      both((m) => (m.vehicles.import.problem as Record<string, string>)[x.problem]) &&
      both((m) => (m.vehicles.import.column as Record<string, string>)[x.column]),
  );
}

const boundary: Boundary = {
  name: 'vehicle-import',
  weight: 0.4,
  async run(ctx, tally) {
    const tmp = tempDir('fuzz-vehicle-import-');
    const core = await startCore(tmp.dir, { backups: { enabled: false } });
    const session = core.openSession('memory', SUPERVISOR);
    const call = (method: string, input: unknown) =>
      core.router.call(method, input, session) as Promise<
        { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }
      >;
    const good = Buffer.from(`${HEADER.join(',')}\n浙A99999,探针,101,,,,,,\n`).toString('base64');
    const probes = probeWhile(async () => {
      const r = await within(
        call('vehicles.importPreview', { name: 'p.csv', format: 'csv', base64: good }),
        ctx.stallMs,
      );
      if (!r || !r.ok) tally.stall(`a valid preview not answered within ${ctx.stallMs} ms`);
    });
    try {
      await eachCase(ctx, tally, file, 2, async (c) => {
        const input = { name: `fuzz.${c.format}`, format: c.format, base64: await sheetBase64(c, '车辆') };
        const r = c.mode
          ? await call('vehicles.import', { file: input, mode: c.mode })
          : await call('vehicles.importPreview', input);
        if (!r.ok) {
          // A refusal by the contract (the file's size) is fine; anything the service did not word is a crash.
          if (r.error.code !== 'invalid_input') {
            tally.crashes++;
            tally.note(`${r.error.code}: ${r.error.message.slice(0, 120)}`);
          }
          return;
        }
        const preview = (
          c.mode ? (r.value as { preview: VehicleImportPreview }).preview : r.value
        ) as VehicleImportPreview;
        if (!worded(preview))
          tally.invalid(`a preview with a code no language words: ${JSON.stringify(preview).slice(0, 120)}`);
      });
      await probes.finish();
      const stored = (await core.db('vehicles').select('plate')) as { plate: string }[];
      const bad = stored.filter((s) => {
        const check = checkPlate(s.plate);
        return !check.ok || check.plate !== s.plate;
      });
      tally.invalid(
        `vehicle records with a plate not in its stored form: ${bad
          .slice(0, 3)
          .map((b) => b.plate)
          .join(' ')}`,
        bad.length,
      );
    } finally {
      await probes.stop();
      await core.stop();
      tmp.cleanup();
    }
  },
};

export default boundary;
