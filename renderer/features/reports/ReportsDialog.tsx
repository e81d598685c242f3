import {
  Box,
  Button,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tabs,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  roleAllows,
  type ReportChart,
  type ReportKpi,
  type ReportRow,
  type ReportSection,
  type ReportSectionId,
  type ReportTable,
  type ReportView,
} from '../../../shared/contract';
import { chartOption, formatValue } from '../../../shared/domain/report-charts';
import {
  localDay,
  PERIOD_KINDS,
  type PeriodKind,
  type ReportPeriod,
} from '../../../shared/domain/report-period';
import { formatDateTime } from '../../../shared/domain/text';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { ToolDialog } from '../../ui/dialogs';
import { saveFile } from '../../ui/download';
import { CheckInput } from '../../ui/fields';
import { useLocale, useNow } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { useOperators } from '../operators';
import { useSystem } from '../system';
import { Chart } from './Chart';
import { SatisfactionImport } from './SatisfactionImport';
import { SelfCheckDialog } from './SelfCheckDialog';
import { QuarterReviewDialog } from './QuarterReviewDialog';
import { closeReports } from './store';

const MIME = {
  pdf: 'application/pdf',
  csv: 'text/csv;charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

interface Drill {
  title: string;
  rows: ReportRow[];
  total: number;
}

/**
 * The reports view (issue 19): a period (day … year, or a range) and, if asked, the one before; the sections as tabs,
 * each with its figures (every one with its definition on hover), charts and tables; a bar or a table row lists the
 * rows behind it; PDF, Excel and CSV exports. Operators get today only (the core enforces it).
 */
export default function ReportsDialog() {
  const { t } = useTranslation();
  const locale = useLocale();
  const client = useClient();
  const { run, busy } = useCall('notice');
  const operator = useStore(useOperators().operator);
  const site = useStore(useSystem().site);
  const timeZone = site?.timeZone ?? 'Asia/Shanghai';
  const supervisor = operator ? roleAllows(operator.role, 'supervisor') : false;
  // The site's today, moving on at midnight while the view stays open.
  const today = localDay(useNow(60_000), timeZone);
  const [kind, setKind] = useState<PeriodKind>(supervisor ? 'month' : 'day');
  const [day, setDay] = useState(today);
  const [until, setUntil] = useState(today);
  const [compare, setCompare] = useState(false);
  const [section, setSection] = useState<ReportSectionId>('alarms');
  const [view, setView] = useState<ReportView | null>(null);
  const [drill, setDrill] = useState<Drill | null>(null);
  const [importing, setImporting] = useState(false);
  const [checking, setChecking] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  // Bumped after an import: the report is asked for again with the new results.
  const [version, setVersion] = useState(0);

  const period: ReportPeriod = useMemo(
    () => (kind === 'range' ? { kind, day, until: until < day ? day : until } : { kind, day }),
    [kind, day, until],
  );

  useEffect(() => {
    let current = true;
    void run(() => client.call('reports.get', { period, compare })).then((v) => {
      if (current && v) setView(v);
    });
    return () => {
      current = false;
    };
  }, [client, run, period, compare, version]);

  const save = (format: 'pdf' | 'csv' | 'xlsx', table?: string) =>
    void run(async () => {
      const file = await client.call('reports.export', {
        period,
        compare,
        format,
        locale,
        ...(table ? { table } : {}),
      });
      saveFile(file.name, { base64: file.base64 }, MIME[format]);
    });

  const openRows = useCallback(
    (chart: ReportChart, index: number, series?: string) => {
      const category = chart.categories[index];
      if (!category || !chart.drill) return;
      const what = `${t(`reports.chart.${chart.id}`)} · ${category.label[locale]}${
        series && chart.series.length > 1 ? ` · ${t(`reports.series.${series}`)}` : ''
      }`;
      void run(() =>
        client.call('reports.rows', {
          period,
          chart: chart.id,
          key: category.key,
          ...(series && chart.series.length > 1 ? { series } : {}),
        }),
      ).then((r) => r && setDrill({ title: what, rows: r.rows, total: r.total }));
    },
    [client, run, period, locale, t],
  );

  // The year's evaluation is the year report's only: another period shows the first section instead.
  const current = view?.sections.find((s) => s.id === section) ?? view?.sections[0];
  return (
    <ToolDialog
      title={t('reports.title')}
      testId="reports-dialog"
      onClose={closeReports}
      maxWidth="xl"
      contentSx={{ display: 'flex', flexDirection: 'column', gap: 1, minHeight: '70vh' }}
      actions={
        <>
          <Button data-testid="reports-export-xlsx" disabled={!view} onClick={() => save('xlsx')}>
            {t('reports.exportXlsx')}
          </Button>
          <Button
            data-testid="reports-export-pdf"
            variant="contained"
            disabled={!view}
            onClick={() => save('pdf')}
          >
            {t('reports.exportPdf')}
          </Button>
        </>
      }
    >
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, alignItems: 'center' }}>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={kind}
          onChange={(_, k: PeriodKind | null) => k && setKind(k)}
          aria-label={t('reports.kindLabel')}
        >
          {PERIOD_KINDS.map((k) => (
            <ToggleButton
              key={k}
              value={k}
              data-testid={`reports-kind-${k}`}
              disabled={!supervisor && k !== 'day'}
            >
              {t(`reports.kinds.${k}`)}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        <TextField
          type="date"
          size="small"
          label={t('reports.day')}
          value={day}
          disabled={!supervisor}
          onChange={(e) => e.target.value && setDay(e.target.value)}
          slotProps={{
            htmlInput: { 'data-testid': 'reports-day', max: today },
            inputLabel: { shrink: true },
          }}
        />
        {kind === 'range' && (
          <TextField
            type="date"
            size="small"
            label={t('reports.until')}
            value={until}
            onChange={(e) => e.target.value && setUntil(e.target.value)}
            slotProps={{
              htmlInput: { 'data-testid': 'reports-until', min: day },
              inputLabel: { shrink: true },
            }}
          />
        )}
        <CheckInput
          label={t('reports.compare')}
          checked={compare}
          onChange={setCompare}
          inputTestId="reports-compare"
        />
        <Typography color="text.secondary" data-testid="reports-period">
          {view
            ? `${view.period.first}${view.period.last !== view.period.first ? ` – ${view.period.last}` : ''}${
                view.previous
                  ? ` · ${t('reports.previous')} ${view.previous.first} – ${view.previous.last}`
                  : ''
              }`
            : t('reports.loading')}
        </Typography>
        {busy && (
          <Typography variant="caption" color="text.secondary" data-testid="reports-busy">
            {t('reports.loading')}
          </Typography>
        )}
      </Box>
      {!supervisor && (
        <Typography variant="body2" color="text.secondary">
          {t('reports.operatorToday')}
        </Typography>
      )}
      <Tabs
        value={current?.id ?? section}
        onChange={(_, s: ReportSectionId) => setSection(s)}
        variant="scrollable"
        sx={{ borderBottom: 1, borderColor: 'divider' }}
      >
        {(view?.sections ?? []).map((s) => (
          <Tab
            key={s.id}
            value={s.id}
            data-testid={`reports-section-${s.id}`}
            label={t(`reports.section.${s.id}`)}
          />
        ))}
      </Tabs>
      {current?.id === 'satisfaction' && supervisor && (
        <Box>
          <Button
            variant="outlined"
            size="small"
            data-testid="reports-satisfaction-import"
            onClick={() => setImporting(true)}
          >
            {t('reports.satisfaction.import')}
          </Button>
        </Box>
      )}
      {current?.id === 'selfCheck' && supervisor && (
        <Box>
          <Button
            variant="outlined"
            size="small"
            data-testid="reports-self-check"
            onClick={() => setChecking(true)}
          >
            {t('reports.selfCheck.open')}
          </Button>
        </Box>
      )}
      {current?.id === 'quarterReview' && supervisor && (
        <Box>
          <Button
            variant="outlined"
            size="small"
            data-testid="reports-quarter-review"
            onClick={() => setReviewing(true)}
          >
            {t('reports.quarterReview.open')}
          </Button>
        </Box>
      )}
      {current && <SectionView section={current} onBar={openRows} onCsv={(id) => save('csv', id)} />}
      {reviewing && (
        <QuarterReviewDialog
          today={today}
          day={day}
          onClose={() => setReviewing(false)}
          onDone={() => setVersion((v) => v + 1)}
        />
      )}
      {checking && (
        <SelfCheckDialog
          month={day.slice(0, 7)}
          onClose={() => setChecking(false)}
          onDone={() => setVersion((v) => v + 1)}
        />
      )}
      {importing && (
        <SatisfactionImport onClose={() => setImporting(false)} onDone={() => setVersion((v) => v + 1)} />
      )}
      <ToolDialog
        open={drill !== null}
        title={drill ? t('reports.rowsTitle', { what: drill.title }) : ''}
        testId="reports-rows"
        onClose={() => setDrill(null)}
        maxWidth="md"
      >
        {drill && drill.total > drill.rows.length && (
          <Typography variant="caption" color="text.secondary">
            {t('reports.rowsMore', { total: drill.total, shown: drill.rows.length })}
          </Typography>
        )}
        {drill?.rows.map((r) => (
          <Box key={r.id} data-testid="reports-row" sx={{ display: 'flex', gap: 2, py: 0.25 }}>
            <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
              {formatDateTime(r.at, locale, timeZone)}
            </Typography>
            <Typography variant="body2">{r.text[locale]}</Typography>
          </Box>
        ))}
      </ToolDialog>
    </ToolDialog>
  );
}

function Kpi({ kpi }: { kpi: ReportKpi }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const change =
    kpi.previous !== undefined && kpi.previous !== null && kpi.value !== null
      ? kpi.value - kpi.previous
      : undefined;
  return (
    <Tooltip title={`${t('reports.definition')}: ${t(`reports.def.${kpi.id}`)}`}>
      <Box
        data-testid={`reports-kpi-${kpi.id}`}
        sx={{ border: 1, borderColor: 'divider', borderRadius: 1, px: 1.5, py: 0.75, minWidth: 150 }}
      >
        <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
          {t(`reports.kpi.${kpi.id}`)}
        </Typography>
        <Typography data-testid="reports-kpi-value" sx={{ fontSize: '1.4rem', fontWeight: 700 }}>
          {formatValue(kpi.value, kpi.unit, locale)}
        </Typography>
        {kpi.previous !== undefined && (
          <Typography variant="caption" color="text.secondary" data-testid="reports-kpi-previous">
            {t('reports.previous')} {formatValue(kpi.previous, kpi.unit, locale)}
            {change !== undefined && change !== 0
              ? ` · ${t(change > 0 ? 'reports.changeUp' : 'reports.changeDown', {
                  n: kpi.unit === 'count' ? change : formatValue(change, kpi.unit, locale),
                })}`
              : ''}
          </Typography>
        )}
      </Box>
    </Tooltip>
  );
}

function SectionView(props: {
  section: ReportSection;
  onBar(chart: ReportChart, index: number, series?: string): void;
  onCsv(table: string): void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { section } = props;
  const words = useMemo(
    () => ({
      series: (id: string) => t(`reports.series.${id}`),
      previous: t('reports.previous'),
      weekdays: t('reports.weekdays').split(','),
    }),
    [t],
  );
  const options = useMemo(
    () => section.charts.map((c) => chartOption(c, { theme: 'dark', locale, words })),
    [section, locale, words],
  );
  const chartOf = (tableId: string) => section.charts.find((c) => c.id === tableId);
  return (
    <Box
      sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}
      data-testid={`reports-body-${section.id}`}
    >
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}>
        {section.kpis.map((k) => (
          <Kpi key={k.id} kpi={k} />
        ))}
      </Box>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '1fr 1fr' }, gap: 1.5 }}>
        {section.charts.map((c, i) => (
          <Box key={c.id} sx={{ border: 1, borderColor: 'divider', borderRadius: 1, p: 1 }}>
            <Tooltip title={`${t('reports.definition')}: ${t(`reports.def.${c.id}`)}`}>
              <Typography variant="subtitle2">{t(`reports.chart.${c.id}`)}</Typography>
            </Tooltip>
            {c.categories.length === 0 ? (
              <Typography variant="body2" color="text.secondary" sx={{ py: 2 }}>
                {t('reports.empty')}
              </Typography>
            ) : (
              <Chart
                option={options[i]!}
                height={c.kind === 'heatmap' ? 260 : 230}
                testId={`reports-chart-${c.id}`}
                onBar={c.drill ? (index, series) => props.onBar(c, index, series) : undefined}
              />
            )}
          </Box>
        ))}
      </Box>
      {section.tables.map((table) => (
        <ReportTableView
          key={table.id}
          table={table}
          onCsv={() => props.onCsv(table.id)}
          onRow={(index) => {
            const chart = chartOf(table.id);
            if (chart) props.onBar(chart, index);
          }}
        />
      ))}
    </Box>
  );
}

function ReportTableView(props: { table: ReportTable; onCsv(): void; onRow(index: number): void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { table } = props;
  return (
    <Box data-testid={`reports-table-${table.id}`}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          {t(`reports.table.${table.id}`)}
        </Typography>
        <Button size="small" data-testid={`reports-csv-${table.id}`} onClick={props.onCsv}>
          {t('reports.exportCsv')}
        </Button>
      </Box>
      {table.rows.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {t('reports.empty')}
        </Typography>
      ) : (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>{t(`reports.table.${table.id}`)}</TableCell>
              {table.columns.map((c) => (
                <TableCell key={c.id} align="right">
                  {t(`reports.col.${c.id}`)}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {table.rows.map((r, i) => (
              <TableRow
                key={r.key || i}
                hover
                data-testid="reports-table-row"
                data-key={r.key}
                onClick={() => props.onRow(i)}
                sx={{ cursor: 'pointer' }}
              >
                <TableCell>{r.label[locale]}</TableCell>
                {r.values.map((v, j) => (
                  <TableCell key={j} align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                    {formatValue(v, table.columns[j]?.unit ?? 'count', locale)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
