import type { ReportChart, ReportUnit } from '../contract/reports';
import type { Locale } from './text';

/**
 * One chart of a report as an Apache ECharts option: the same object draws it on screen (the renderer's echarts,
 * dark control-room theme) and in the PDF (echarts' server-side SVG, print theme). Plain data only, so it can be
 * built anywhere; `word` words the series and axis names in the report's language.
 */
export type ChartTheme = 'dark' | 'print';
export type ChartOption = Record<string, unknown>;

const PALETTE: Record<
  ChartTheme,
  { text: string; axis: string; split: string; colours: string[]; bg: string }
> = {
  dark: {
    text: '#c9d1d9',
    axis: '#6e7681',
    split: '#21262d',
    bg: 'transparent',
    colours: ['#4fc3f7', '#ffb74d', '#ef5350', '#81c784', '#ba68c8', '#90a4ae'],
  },
  print: {
    text: '#111111',
    axis: '#444444',
    split: '#dddddd',
    bg: '#ffffff',
    colours: ['#1f5fa8', '#e08a00', '#c62828', '#2e7d32', '#6a1b9a', '#546e7a'],
  },
};

/** Colours that carry meaning: on time green, late amber, missed and false alarms red. */
const SERIES_COLOUR: Record<string, number> = {
  onTime: 3,
  late: 1,
  missed: 2,
  falseOrNuisance: 2,
  real: 0,
};

export function formatValue(value: number | null, unit: ReportUnit, locale: Locale): string {
  if (value === null) return '—';
  if (unit === 'percent') return `${(value * 100).toFixed(1)}%`;
  if (unit === 'flag') return value ? (locale === 'zh-CN' ? '是' : 'yes') : locale === 'zh-CN' ? '否' : 'no';
  if (unit === 'ms') {
    const s = value / 1000;
    if (s < 120) return locale === 'zh-CN' ? `${s.toFixed(0)}秒` : `${s.toFixed(0)} s`;
    const m = s / 60;
    if (m < 120) return locale === 'zh-CN' ? `${m.toFixed(1)}分钟` : `${m.toFixed(1)} min`;
    return locale === 'zh-CN' ? `${(m / 60).toFixed(1)}小时` : `${(m / 60).toFixed(1)} h`;
  }
  return String(Math.round(value * 100) / 100);
}

/** Chart values in the axis' unit: percent as 0–100, durations in minutes above two minutes, else seconds. */
function scale(chart: ReportChart): { factor: number; unitWord: string } {
  if (chart.unit === 'percent') return { factor: 100, unitWord: '%' };
  if (chart.unit === 'ms') {
    const max = Math.max(0, ...chart.series.flatMap((s) => s.values));
    return max >= 120_000 ? { factor: 1 / 60_000, unitWord: 'min' } : { factor: 1 / 1000, unitWord: 's' };
  }
  return { factor: 1, unitWord: '' };
}

export interface ChartWords {
  series(id: string): string;
  previous: string;
  weekdays: readonly string[];
}

export function chartOption(
  chart: ReportChart,
  o: { theme: ChartTheme; locale: Locale; words: ChartWords; animation?: boolean },
): ChartOption {
  const p = PALETTE[o.theme];
  const base = {
    animation: o.animation ?? false,
    backgroundColor: p.bg,
    textStyle: { color: p.text, fontFamily: 'sans-serif' },
    color: p.colours,
  };
  const labels = chart.categories.map((c) => c.label[o.locale]);
  if (chart.kind === 'heatmap') {
    const grid = chart.grid ?? [];
    const data = grid.flatMap((row, day) => row.map((n, hour) => [hour, day, n]));
    const max = Math.max(1, ...grid.flat());
    return {
      ...base,
      tooltip: { position: 'top' },
      grid: { left: 56, right: 16, top: 12, bottom: 56 },
      xAxis: {
        type: 'category',
        data: labels,
        axisLabel: { color: p.text },
        axisLine: { lineStyle: { color: p.axis } },
        splitArea: { show: true },
      },
      yAxis: {
        type: 'category',
        // Monday on top, as a calendar reads.
        inverse: true,
        data: [...o.words.weekdays],
        axisLabel: { color: p.text },
        axisLine: { lineStyle: { color: p.axis } },
      },
      visualMap: {
        min: 0,
        max,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 120,
        textStyle: { color: p.text },
        inRange: { color: o.theme === 'dark' ? ['#0d1b2a', '#ef5350'] : ['#f5f5f5', '#c62828'] },
      },
      series: [{ type: 'heatmap', data, label: { show: false } }],
    };
  }
  const { factor, unitWord } = scale(chart);
  const series: Array<Record<string, unknown>> = [];
  for (const s of chart.series) {
    const colour = SERIES_COLOUR[s.id];
    series.push({
      id: s.id,
      name: o.words.series(s.id),
      type: 'bar',
      ...(chart.kind === 'stack' ? { stack: 'total' } : {}),
      data: s.values.map((v) => Math.round(v * factor * 100) / 100),
      ...(colour !== undefined ? { itemStyle: { color: p.colours[colour] } } : {}),
      barMaxWidth: 28,
    });
    if (s.previous)
      series.push({
        id: `${s.id}:previous`,
        name: `${o.words.series(s.id)} · ${o.words.previous}`,
        type: 'bar',
        data: s.previous.map((v) => Math.round(v * factor * 100) / 100),
        itemStyle: { color: p.colours[5], opacity: 0.7 },
        barMaxWidth: 28,
      });
  }
  const long = labels.some((l) => l.length > 6) || labels.length > 8;
  return {
    ...base,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { show: series.length > 1, top: 0, textStyle: { color: p.text } },
    grid: { left: 48, right: 16, top: series.length > 1 ? 32 : 12, bottom: long ? 72 : 32 },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { color: p.text, interval: 0, rotate: long ? 30 : 0, fontSize: 11 },
      axisLine: { lineStyle: { color: p.axis } },
    },
    yAxis: {
      type: 'value',
      name: unitWord,
      nameTextStyle: { color: p.text },
      axisLabel: { color: p.text },
      splitLine: { lineStyle: { color: p.split } },
      ...(chart.unit === 'percent' ? { max: 100 } : {}),
      minInterval: chart.unit === 'count' ? 1 : 0,
    },
    series,
  };
}
