import { Box } from '@mui/material';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Group, Panel, Separator, type Layout } from 'react-resizable-panels';
import type { Arrangement } from '../../shared/contract';
import { usePanes, type PaneGroup } from '../features/prefs';

type Sizes = Record<PaneGroup, Layout>;

/**
 * The named arrangements, as percentages of each group: video-first gives the wall most of the window,
 * alarms-first widens the queue and the incident panel, map-first gives the map the lower half's larger part.
 */
export const ARRANGEMENT_SIZES: Record<Arrangement, Sizes> = {
  video: {
    columns: { 'pane-work': 71, 'pane-queue': 29 },
    left: { 'pane-wall': 62, 'pane-lower': 38 },
    bottom: { 'pane-map': 50, 'pane-incident': 50 },
  },
  alarms: {
    columns: { 'pane-work': 56, 'pane-queue': 44 },
    left: { 'pane-wall': 50, 'pane-lower': 50 },
    bottom: { 'pane-map': 42, 'pane-incident': 58 },
  },
  map: {
    columns: { 'pane-work': 70, 'pane-queue': 30 },
    left: { 'pane-wall': 40, 'pane-lower': 60 },
    bottom: { 'pane-map': 64, 'pane-incident': 36 },
  },
};

/** Alt + this key switches to the arrangement. */
export const ARRANGEMENT_KEYS: Record<string, Arrangement> = { v: 'video', a: 'alarms', m: 'map' };

/** The arrangement keys, pressed anywhere in the console window. */
export function useArrangementKeys(): void {
  const { arrange } = usePanes();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const arrangement = ARRANGEMENT_KEYS[e.key.toLowerCase()];
      if (!arrangement) return;
      e.preventDefault();
      arrange(arrangement);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [arrange]);
}

/** A splitter: a thin bar, a wider grip, and a visible focus so it can be found and moved by keyboard. */
function Splitter({ vertical, label }: { vertical: boolean; label: string }) {
  return (
    <Separator
      aria-label={label}
      className="console-splitter"
      style={{ flexBasis: 8, flexShrink: 0, display: 'flex', justifyContent: 'center', alignItems: 'center' }}
    >
      <Box
        sx={{
          bgcolor: 'divider',
          borderRadius: 1,
          ...(vertical ? { width: '100%', height: 2 } : { height: '100%', width: 2 }),
          '.console-splitter:hover > &, .console-splitter:focus-visible > &': {
            bgcolor: 'primary.main',
            ...(vertical ? { height: 4 } : { width: 4 }),
          },
        }}
      />
    </Separator>
  );
}

/** Each pane group: its two panes, which way it splits, and its splitter's name. */
const GROUPS = {
  columns: { panes: ['pane-work', 'pane-queue'], vertical: false, label: 'panes.resizeColumns' },
  left: { panes: ['pane-wall', 'pane-lower'], vertical: true, label: 'panes.resizeRows' },
  bottom: { panes: ['pane-map', 'pane-incident'], vertical: false, label: 'panes.resizeMapIncident' },
} as const satisfies Record<
  PaneGroup,
  { panes: readonly [string, string]; vertical: boolean; label: string }
>;

/** Two panes and the splitter between them; sizes the operator drags are handed to `onDragged`. */
function Split(props: {
  group: PaneGroup;
  sizes: Layout;
  onDragged(group: PaneGroup, layout: Layout): void;
  first: ReactNode;
  second: ReactNode;
}) {
  const { t } = useTranslation();
  const { panes, vertical, label } = GROUPS[props.group];
  return (
    <Group
      id={`panes-${props.group}`}
      orientation={vertical ? 'vertical' : 'horizontal'}
      defaultLayout={props.sizes}
      onLayoutChanged={(layout, meta) => meta.isUserInteraction && props.onDragged(props.group, layout)}
    >
      <Panel id={panes[0]} minSize="20%">
        {props.first}
      </Panel>
      <Splitter vertical={vertical} label={t(label)} />
      <Panel id={panes[1]} minSize="20%">
        {props.second}
      </Panel>
    </Group>
  );
}

/**
 * The console's four areas in resizable panes: the wall over the map and incident panel on the left, the queue
 * on the right. The operator drags (or moves by keyboard: Tab to a splitter, arrow keys) and the sizes are kept
 * per arrangement with their preferences.
 */
export function Panes(props: { wall: ReactNode; map: ReactNode; queue: ReactNode; incident: ReactNode }) {
  const { panes, reads, resized } = usePanes();
  const { arrangement } = panes;
  const stored = panes.sizes[arrangement] ?? {};
  const sizes = (group: PaneGroup) => stored[group] ?? ARRANGEMENT_SIZES[arrangement][group];
  // A new arrangement, or preferences read afresh, redraws the groups at their sizes.
  const key = `${arrangement}-${reads}`;
  return (
    <Box
      component="main"
      data-testid="console-main"
      data-arrangement={arrangement}
      sx={{ flex: 1, minHeight: 0, p: 1, display: 'flex' }}
    >
      <Split
        key={key}
        group="columns"
        sizes={sizes('columns')}
        onDragged={resized}
        first={
          <Split
            group="left"
            sizes={sizes('left')}
            onDragged={resized}
            first={props.wall}
            second={
              <Split
                group="bottom"
                sizes={sizes('bottom')}
                onDragged={resized}
                first={props.map}
                second={props.incident}
              />
            }
          />
        }
        second={props.queue}
      />
    </Box>
  );
}
