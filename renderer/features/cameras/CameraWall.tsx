import {
  Box,
  Button,
  Chip,
  Dialog,
  DialogTitle,
  List,
  ListItemButton,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { WALL_LAYOUTS, type WallLayout } from '../../../shared/contract';
import { assignCamera, fitTiles, fitWall, swapTiles, tourCamera } from '../../../shared/domain/wall';
import { useStore } from '../../api/store';
import { AreaPanel } from '../../ui/AreaPanel';
import { useNow, useText } from '../../ui/hooks';
import { usePopOuts } from '../../ui/popout';
import { AlarmMonitor } from './AlarmMonitor';
import { CameraManager } from './CameraManager';
import { CameraTile } from './CameraTile';
import { useSystem } from '../system';
import { useCameras } from './store';
import { useWallSetup } from './useWallSetup';

/** Pixels between tiles and around the grid. */
const TILE_GAP = 3;

const LAYOUT_KEYS: Record<string, WallLayout> = {
  '1': '1',
  '4': '4',
  '9': '9',
  '6': '16',
  '5': '1+5',
  '7': '1+7',
};

/**
 * The video wall. Grid tiles play the light `sub` stream; the focus view plays `main`. Layout and tile
 * assignment are the operator's and follow them. Alt+1/4/9/6/5/7 switch layouts (6 = 16 tiles).
 */
export function CameraWall({ popout = false }: { popout?: boolean }) {
  const { t } = useTranslation();
  const store = useCameras();
  const site = useStore(useSystem().site);
  const text = useText();
  const cameras = useMemo(() => site?.cameras ?? [], [site]);
  const cameraIds = useMemo(() => cameras.map((c) => c.id), [cameras]);
  const [setup, update] = useWallSetup(cameraIds);
  const [focused, setFocused] = useState<string | null>(null);
  const [picking, setPicking] = useState<number | null>(null);
  const [managing, setManaging] = useState(false);
  const popOuts = usePopOuts();
  const [tourStarts] = useState(() => new Map<number, number>());
  const now = useNow(1000);
  const area = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = area.current;
    if (!el) return undefined;
    const observer = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // Rows and columns follow the area, so every picture keeps its aspect instead of sitting between black bars.
  const fit = fitWall(
    setup.layout,
    size.width - 2 * TILE_GAP,
    size.height - 2 * TILE_GAP,
    undefined,
    TILE_GAP,
  );
  const geometry = fit.geometry;

  const setLayout = useCallback(
    (layout: WallLayout) =>
      update((prev) => ({ ...prev, layout, tiles: fitTiles(layout, prev.tiles, cameraIds) })),
    [update, cameraIds],
  );

  // The map (or another area) asked to see a camera: show it full size, as a double-click on it would.
  useEffect(
    () =>
      store.focusRequest.subscribe(() => {
        const request = store.focusRequest.get();
        if (request && !popout) setFocused(request.cameraId);
      }),
    [store, popout],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && focused) setFocused(null);
      const layout = e.altKey ? LAYOUT_KEYS[e.key] : undefined;
      if (layout) {
        e.preventDefault();
        setLayout(layout);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [focused, setLayout]);

  const tileCamera = (index: number) => {
    const tour = setup.tours.find((x) => x.tile === index);
    if (tour) {
      if (!tourStarts.has(index)) tourStarts.set(index, now);
      return tourCamera(tour.cameras, tour.seconds, tourStarts.get(index)!, now);
    }
    return setup.tiles[index] ?? undefined;
  };

  const focusedCamera = cameras.find((c) => c.id === focused);

  const toolbar = (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }}>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={setup.layout}
        onChange={(_e, v: WallLayout | null) => v && setLayout(v)}
        aria-label={t('cameras.layout')}
      >
        {WALL_LAYOUTS.map((l) => (
          <ToggleButton key={l} value={l} data-testid={`layout-${l}`} sx={{ py: 0.25, px: 1 }}>
            {l}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      {!popout && (
        <Button size="small" onClick={() => setManaging(true)} data-testid="camera-manage">
          {t('cameras.manage')}
        </Button>
      )}
      {!popout && popOuts.control && (
        <Tooltip title={t('cameras.popOutTitle')}>
          <Button
            size="small"
            variant="outlined"
            data-testid="wall-popout"
            onClick={() => popOuts.control?.popOut('wall')}
          >
            {t('cameras.popOut')}
          </Button>
        </Tooltip>
      )}
    </Box>
  );

  return (
    <AreaPanel testId="camera-wall" title={t('areas.cameraWall')} gridArea="wall" actions={toolbar}>
      <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
        <Box sx={{ display: 'flex', flex: 1, minHeight: 0 }}>
          <Box
            ref={area}
            // Clipped, so the grid can never make its own area scroll (and so re-measure itself in a loop).
            sx={{
              flex: 1,
              minWidth: 0,
              minHeight: 0,
              display: 'grid',
              placeContent: 'center',
              overflow: 'hidden',
            }}
          >
            <Box
              data-testid="wall-grid"
              data-layout={setup.layout}
              data-cols={geometry.cols}
              data-rows={geometry.rows}
              sx={{
                display: 'grid',
                gap: `${TILE_GAP}px`,
                gridTemplateColumns: `repeat(${geometry.cols}, ${Math.floor(fit.cellWidth)}px)`,
                gridTemplateRows: `repeat(${geometry.rows}, ${Math.floor(fit.cellHeight)}px)`,
              }}
            >
              {geometry.tiles.map((slot, index) => {
                const id = tileCamera(index);
                const camera = cameras.find((c) => c.id === id);
                return (
                  <Box
                    key={index}
                    sx={{
                      gridColumn: `${slot.col} / span ${slot.colSpan}`,
                      gridRow: `${slot.row} / span ${slot.rowSpan}`,
                      display: 'grid',
                      minHeight: 0,
                      minWidth: 0,
                    }}
                  >
                    <CameraTile
                      camera={camera}
                      index={index}
                      profile="sub"
                      large={slot.colSpan > 1}
                      touring={setup.tours.some((x) => x.tile === index)}
                      actions={{
                        onFocus: () => camera && setFocused(camera.id),
                        onDropCamera: (cameraId) =>
                          update((prev) => ({ ...prev, tiles: assignCamera(prev.tiles, index, cameraId) })),
                        onDropTile: (from) =>
                          update((prev) => ({ ...prev, tiles: swapTiles(prev.tiles, from, index) })),
                        onPick: () => setPicking(index),
                        onClear: () =>
                          update((prev) => ({
                            ...prev,
                            tiles: prev.tiles.map((x, i) => (i === index ? null : x)),
                            tours: prev.tours.filter((x) => x.tile !== index),
                          })),
                        onTour: (scope) => {
                          const group =
                            scope === 'zone' && camera?.zone
                              ? cameras.filter((c) => c.zone === camera.zone)
                              : cameras;
                          const ids = group.map((c) => c.id);
                          if (ids.length < 2) return;
                          tourStarts.set(index, Date.now());
                          update((prev) => ({
                            ...prev,
                            tours: [
                              ...prev.tours.filter((x) => x.tile !== index),
                              { tile: index, cameras: ids, seconds: 10 },
                            ],
                          }));
                        },
                        onStopTour: () =>
                          update((prev) => ({ ...prev, tours: prev.tours.filter((x) => x.tile !== index) })),
                      }}
                    />
                  </Box>
                );
              })}
            </Box>
          </Box>
          {!popout && (
            <Box
              data-testid="camera-list"
              // It scrolls: focusable and named, so the keyboard can scroll it too.
              role="region"
              aria-label={t('cameras.cameraList')}
              tabIndex={0}
              sx={{
                width: (theme) => theme.spacing(20),
                flexShrink: 0,
                borderLeft: 1,
                borderColor: 'divider',
                overflow: 'auto',
                p: 0.5,
                display: { xs: 'none', lg: 'block' },
              }}
            >
              <Typography variant="caption" color="text.secondary" component="div" noWrap>
                {t('cameras.cameraList')}
              </Typography>
              <Typography variant="caption" color="text.secondary" component="div" noWrap>
                {t('cameras.count', { count: cameras.length })}
              </Typography>
              {cameras.map((c) => (
                <Chip
                  key={c.id}
                  data-testid="camera-chip"
                  data-camera-id={c.id}
                  label={text(c.name)}
                  size="small"
                  draggable
                  onDragStart={(e) => e.dataTransfer.setData('application/x-camera-id', c.id)}
                  onDoubleClick={() => setFocused(c.id)}
                  sx={{
                    display: 'flex',
                    justifyContent: 'flex-start',
                    my: 0.25,
                    cursor: 'grab',
                    // A long name wraps by words rather than ending in an ellipsis.
                    height: 'auto',
                    minHeight: 24,
                    '& .MuiChip-label': { whiteSpace: 'normal', py: 0.25 },
                  }}
                />
              ))}
            </Box>
          )}
        </Box>
        {!popout && <AlarmMonitor />}
      </Box>
      {focusedCamera && (
        <Box
          data-testid="wall-focus"
          sx={{
            position: 'absolute',
            inset: 0,
            zIndex: 2,
            bgcolor: '#000',
            display: 'grid',
            gridTemplateRows: 'auto minmax(0, 1fr)',
          }}
        >
          <Box sx={{ display: 'flex', alignItems: 'center', p: 0.5 }}>
            <Button size="small" onClick={() => setFocused(null)} data-testid="wall-focus-back">
              {t('cameras.back')}
            </Button>
          </Box>
          <CameraTile camera={focusedCamera} index={-1} profile="main" large />
        </Box>
      )}
      <CameraManager open={managing} onClose={() => setManaging(false)} />
      <Dialog open={picking !== null} onClose={() => setPicking(null)}>
        <DialogTitle>{t('cameras.pick')}</DialogTitle>
        <List dense>
          {cameras.map((c) => (
            <ListItemButton
              key={c.id}
              data-testid="pick-camera"
              onClick={() => {
                const index = picking ?? 0;
                update((prev) => ({ ...prev, tiles: assignCamera(prev.tiles, index, c.id) }));
                setPicking(null);
              }}
            >
              {c.id} · {text(c.name)}
            </ListItemButton>
          ))}
        </List>
      </Dialog>
    </AreaPanel>
  );
}
