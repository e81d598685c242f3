import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../electron/core';
import type { OperatorView, ReportView } from '../../shared/contract';
import { localDay } from '../../shared/domain/report-period';
import { startCore } from '../support/core';
import { tempDir } from '../support/temp';

const operator: OperatorView = { id: 'r-op', name: 'R op', role: 'operator' };
const supervisor: OperatorView = { id: 'r-sup', name: 'R sup', role: 'supervisor' };

describe('reports through the real router: operators see today only, supervisors any period', () => {
  let core: ConsoleCore;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    tmp = tempDir();
    core = await startCore(tmp.dir, { dbFile: ':memory:' });
  });
  afterAll(async () => {
    await core.stop();
    tmp.cleanup();
  });
  const call = (who: OperatorView, method: string, input: unknown) =>
    core.router.call(method, input, core.openSession('memory', who));
  const today = () => localDay(Date.now(), 'Asia/Shanghai');

  it("an operator gets today's report and the shift board, and is refused a month or a day before", async () => {
    const day = await call(operator, 'reports.get', { period: { kind: 'day', day: today() }, compare: true });
    expect(day.ok).toBe(true);
    const month = await call(operator, 'reports.get', { period: { kind: 'month', day: today() } });
    expect(month.ok ? 'ok' : month.error).toMatchObject({ code: 'forbidden', reason: 'role_needed' });
    const rows = await call(operator, 'reports.rows', {
      period: { kind: 'day', day: '2026-01-01' },
      chart: 'byType',
      key: 'fire',
    });
    expect(rows.ok ? 'ok' : rows.error.code).toBe('forbidden');
    const pdf = await call(operator, 'reports.export', {
      period: { kind: 'year', day: today() },
      format: 'pdf',
      locale: 'zh-CN',
    });
    expect(pdf.ok ? 'ok' : pdf.error.code).toBe('forbidden');
    const board = await call(operator, 'reports.board', {});
    expect(board.ok && board.value).toMatchObject({ alarmsOpen: expect.any(Number) });
  });

  it('a supervisor gets any period with the one before; an impossible one is refused by the contract', async () => {
    const year = await call(supervisor, 'reports.get', {
      period: { kind: 'year', day: today() },
      compare: true,
    });
    const view = (year.ok ? year.value : undefined) as ReportView | undefined;
    expect(view?.sections.map((s) => s.id)).toEqual([
      'alarms',
      'response',
      'patrols',
      'drills',
      'facilities',
      'vehicles',
      'people',
      'satisfaction',
      'selfCheck',
      'quarterReview',
      'evaluation',
    ]);
    expect(view?.previous?.last).toBe(`${Number(today().slice(0, 4)) - 1}-12-31`);
    const bad = await call(supervisor, 'reports.get', {
      period: { kind: 'range', day: '2026-03-02', until: '2026-03-01' },
    });
    expect(bad.ok ? 'ok' : bad.error.code).toBe('invalid_input');
    const csv = await call(supervisor, 'reports.export', {
      period: { kind: 'week', day: today() },
      format: 'csv',
      table: 'byZone',
      locale: 'en',
    });
    expect(
      csv.ok && Buffer.from((csv.value as { base64: string }).base64, 'base64').toString('utf8'),
    ).toMatch(/^\uFEFFZone,Count\r\n/);
  });
});
