import type { ReportKpi, ReportUnit } from '../../../shared/contract';

/** A section's KPI; `previous` (the period before) only when comparing. */
export const kpi = (
  id: string,
  unit: ReportUnit,
  value: number | null,
  previous?: number | null,
): ReportKpi => (previous === undefined ? { id, unit, value } : { id, unit, value, previous });
