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

/**
 * The console's four areas in resizable panes: the wall over the map and incident panel on the left, the queue
 * on the right. The operator drags (or moves by keyboard: Tab to a splitter, arrow keys) and the sizes are kept
 * per arrangement with their preferences.
 */
export function Panes(props: { wall: ReactNode; map: ReactNode; queue: ReactNode; incident: ReactNode }) {
  const { t } = useTranslation();
  const { panes, reads, resized } = usePanes();
  const { arrangement } = panes;
  const stored = panes.sizes[arrangement] ?? {};
  const sizes = (group: PaneGroup) => stored[group] ?? ARRANGEMENT_SIZES[arrangement][group];
  const keep = (group: PaneGroup) => (layout: Layout, meta: { isUserInteraction: boolean }) => {
    if (meta.isUserInteraction) resized(group, layout);
  };
  // A new arrangement, or preferences read afresh, redraws the groups at their sizes.
  const key = `${arrangement}-${reads}`;
  return (
    <Box
      component="main"
      data-testid="console-main"
      data-arrangement={arrangement}
      sx={{ flex: 1, minHeight: 0, p: 1, display: 'flex' }}
    >
      <Group
        key={`columns-${key}`}
        id="panes-columns"
        orientation="horizontal"
        defaultLayout={sizes('columns')}
        onLayoutChanged={keep('columns')}
      >
        <Panel id="pane-work" minSize="30%">
          <Group
            key={`left-${key}`}
            id="panes-left"
            orientation="vertical"
            defaultLayout={sizes('left')}
            onLayoutChanged={keep('left')}
          >
            <Panel id="pane-wall" minSize="20%">
              {props.wall}
            </Panel>
            <Splitter vertical label={t('panes.resizeRows')} />
            <Panel id="pane-lower" minSize="20%">
              <Group
                key={`bottom-${key}`}
                id="panes-bottom"
                orientation="horizontal"
                defaultLayout={sizes('bottom')}
                onLayoutChanged={keep('bottom')}
              >
                <Panel id="pane-map" minSize="20%">
                  {props.map}
                </Panel>
                <Splitter vertical={false} label={t('panes.resizeMapIncident')} />
                <Panel id="pane-incident" minSize="20%">
                  {props.incident}
                </Panel>
              </Group>
            </Panel>
          </Group>
        </Panel>
        <Splitter vertical={false} label={t('panes.resizeColumns')} />
        <Panel id="pane-queue" minSize="20%">
          {props.queue}
        </Panel>
      </Group>
    </Box>
  );
}
