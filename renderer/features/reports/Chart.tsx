import { Box } from '@mui/material';
import { BarChart, HeatmapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { ChartOption } from '../../../shared/domain/report-charts';

echarts.use([
  BarChart,
  HeatmapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

/**
 * One report chart on screen: the option shared/domain/report-charts.ts built (the same the PDF draws), as SVG (bars
 * are elements a click lands on). `onBar` gets the clicked bar's category index and series id.
 */
export function Chart(props: {
  option: ChartOption;
  height: number;
  testId: string;
  onBar?: ((index: number, series: string) => void) | undefined;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const onBar = useRef(props.onBar);
  useEffect(() => {
    onBar.current = props.onBar;
  });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const c = echarts.init(el, null, { renderer: 'svg' });
    chart.current = c;
    c.on('click', (p) => {
      const params = p as { componentType?: string; dataIndex?: number; seriesId?: string };
      if (params.componentType === 'series' && params.dataIndex !== undefined)
        onBar.current?.(params.dataIndex, String(params.seriesId ?? '').replace(/:previous$/, ''));
    });
    // A resize redraws the chart: once a frame at most, and only when the width really changed (a scrollbar that
    // comes and goes with the redraw must not start a loop).
    let width = el.clientWidth;
    let frame = 0;
    const resize = new ResizeObserver(() => {
      if (Math.abs(el.clientWidth - width) < 2 || frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        width = el.clientWidth;
        c.resize();
      });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      cancelAnimationFrame(frame);
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(props.option as Parameters<echarts.ECharts['setOption']>[0], true);
  }, [props.option]);

  return (
    <Box
      ref={ref}
      data-testid={props.testId}
      sx={{ width: '100%', height: props.height, cursor: props.onBar ? 'pointer' : 'default' }}
    />
  );
}
