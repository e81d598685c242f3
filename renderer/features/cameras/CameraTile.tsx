import { Box, Chip, IconButton, Menu, MenuItem, Typography } from '@mui/material';
import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraView, StreamState } from '../../../shared/contract';
import type { StreamProfile } from '../../../shared/domain/site';
import { useStore } from '../../api/store';
import { formatClock, useAge, useNow, useText } from '../../ui/hooks';
import { useNotify } from '../../ui/notify';
import { useCall } from '../../ui/useCall';
import { openReplay } from '../recordings';
import { choosePath, passthroughRefusals, refusalKey, webCodecsAvailable } from './codecPath';
import { streamKey, useCameras } from './store';
import { usePassthroughPlayer } from './usePassthroughPlayer';
import { useStreamPlayer } from './useStreamPlayer';

/** A picture older than this is not shown, whatever the gateway says: never a frozen frame. */
const MAX_PICTURE_AGE_MS = 3000;

const STATE_COLOURS: Record<StreamState, 'default' | 'success' | 'warning' | 'error' | 'info'> = {
  idle: 'default',
  connecting: 'info',
  live: 'success',
  stalled: 'warning',
  offline: 'error',
};

export interface TileActions {
  onFocus?(): void;
  onDropCamera?(cameraId: string): void;
  onDropTile?(fromIndex: number): void;
  onPick?(): void;
  onClear?(): void;
  onTour?(scope: 'all' | 'zone'): void;
  onStopTour?(): void;
}

export function CameraTile(props: {
  camera: CameraView | undefined;
  index: number;
  profile: StreamProfile;
  touring?: boolean;
  large?: boolean;
  actions?: TileActions;
}) {
  const { camera, index, profile, actions } = props;
  const { t } = useTranslation();
  const cameras = useCameras();
  const video = useStore(cameras.video);
  const streams = useStore(cameras.streams);
  const notify = useNotify();
  const { run } = useCall('notice');
  const text = useText();
  const age = useAge();
  const now = useNow(500);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  // Which player: the camera's H.264 straight to WebCodecs where the page, the camera and its setting allow,
  // else MPEG-1 in JSMpeg. A refusal (from the gateway or the browser) is remembered for the page.
  const refusal = camera ? refusalKey(camera.id, profile, camera.video) : '';
  const [refusedHere, setRefusedHere] = useState<string | null>(null);
  const choice = camera
    ? choosePath(camera, webCodecsAvailable(), refusedHere === refusal || passthroughRefusals.has(refusal))
    : undefined;
  const path = choice?.path ?? 'jsmpeg';
  const base = camera && video ? `${video.url}/${camera.id}/${profile}` : null;
  const query = video ? `?token=${encodeURIComponent(video.token)}` : '';
  const jsmpeg = useStreamPlayer(canvas, base && path === 'jsmpeg' ? `${base}${query}` : null);
  const passthrough = usePassthroughPlayer(
    canvas,
    base && path === 'webcodecs' ? `${base}/h264${query}` : null,
    Boolean(props.large) || profile === 'main',
    () => {
      passthroughRefusals.add(refusal);
      setRefusedHere(refusal);
    },
  );
  const { lastDecodeAt, frames, firstPictureMs } = path === 'webcodecs' ? passthrough : jsmpeg;
  const status = camera ? streams[streamKey(camera.id, profile)] : undefined;
  const state: StreamState = status?.state ?? (camera ? 'connecting' : 'idle');
  const pictureAge = lastDecodeAt.current ? now - lastDecodeAt.current : undefined;
  const showPicture = state === 'live' && pictureAge !== undefined && pictureAge < MAX_PICTURE_AGE_MS;

  // Another feature (a playbook's camera step) takes this tile's picture through the cameras store.
  const cameraId = camera?.id;
  useEffect(() => {
    if (!cameraId) return undefined;
    return cameras.offerFrames(cameraId, profile, () => {
      const c = canvas.current;
      const fresh = lastDecodeAt.current > 0 && Date.now() - lastDecodeAt.current < MAX_PICTURE_AGE_MS;
      return c && fresh ? (c.toDataURL('image/png').split(',')[1] ?? null) : null;
    });
  }, [cameras, cameraId, profile, lastDecodeAt]);

  const snapshot = async () => {
    setMenu(null);
    if (!camera || !canvas.current) return;
    const png = canvas.current.toDataURL('image/png').split(',')[1] ?? '';
    const saved = await run(() => cameras.snapshot(camera.id, profile, png));
    if (saved)
      notify({ level: 'info', code: 'snapshot', message: t('cameras.snapshotSaved', { file: saved.file }) });
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const cameraId = e.dataTransfer.getData('application/x-camera-id');
    const from = e.dataTransfer.getData('application/x-tile-index');
    if (cameraId) actions?.onDropCamera?.(cameraId);
    else if (from !== '') actions?.onDropTile?.(Number(from));
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && camera) {
      e.preventDefault();
      actions?.onFocus?.();
    }
  };

  return (
    <Box
      data-testid="camera-tile"
      data-camera-id={camera?.id ?? ''}
      data-status={state}
      data-profile={profile}
      data-frames={frames.current}
      data-codec-path={camera ? path : undefined}
      data-codec-reason={choice?.reason}
      data-first-picture-ms={firstPictureMs.current || undefined}
      data-first-picture-cached={
        path === 'webcodecs' && firstPictureMs.current
          ? String(passthrough.firstFromCache.current)
          : undefined
      }
      data-tile={index}
      tabIndex={0}
      onKeyDown={onKey}
      onDoubleClick={() => camera && actions?.onFocus?.()}
      onClick={() => !camera && actions?.onPick?.()}
      draggable={Boolean(camera)}
      onDragStart={(e) => e.dataTransfer.setData('application/x-tile-index', String(index))}
      onDragOver={(e) => e.preventDefault()}
      onDrop={onDrop}
      sx={{
        position: 'relative',
        bgcolor: '#000',
        border: 2,
        borderColor: state === 'offline' || state === 'stalled' ? 'error.main' : 'transparent',
        minHeight: 0,
        minWidth: 0,
        overflow: 'hidden',
        outline: 'none',
        '&:focus-visible': { borderColor: 'primary.main' },
      }}
    >
      <canvas
        ref={canvas}
        data-testid="tile-canvas"
        style={{
          width: '100%',
          height: '100%',
          objectFit: 'contain',
          display: 'block',
          visibility: showPicture ? 'visible' : 'hidden',
        }}
      />
      {camera ? (
        <>
          <Box
            sx={{
              position: 'absolute',
              top: 0,
              left: 0,
              right: 0,
              display: 'flex',
              gap: 0.5,
              p: 0.5,
              alignItems: 'center',
              background: 'linear-gradient(#000a, #0000)',
            }}
          >
            <Typography
              sx={{
                fontWeight: 700,
                fontSize: props.large ? '1.1rem' : '0.9rem',
                flex: 1,
                textShadow: '0 0 3px #000',
              }}
              noWrap
            >
              {text(camera.name)}
            </Typography>
            {props.touring && <Chip size="small" color="info" label={t('cameras.touring')} />}
            <Chip
              data-testid="tile-state"
              size="small"
              color={STATE_COLOURS[state]}
              label={t(`cameras.state.${state}`)}
            />
            {actions && (
              <IconButton
                size="small"
                aria-label={t('cameras.tileMenu')}
                data-testid="tile-menu"
                onClick={(e) => setMenu(e.currentTarget)}
                sx={{ color: 'text.secondary', px: 0.5 }}
              >
                ⋮
              </IconButton>
            )}
          </Box>
          {state === 'offline' || state === 'stalled' || (state === 'live' && !showPicture) ? (
            <Box
              data-testid="tile-offline"
              sx={{
                position: 'absolute',
                inset: 0,
                display: 'flex',
                flexDirection: 'column',
                alignItems: 'center',
                justifyContent: 'center',
                gap: 0.5,
                pointerEvents: 'none',
              }}
            >
              <Typography
                sx={{ color: 'error.main', fontWeight: 800, fontSize: props.large ? '1.8rem' : '1.05rem' }}
              >
                {state === 'offline' && status?.offlineSince
                  ? t('cameras.offlineSince', { time: formatClock(status.offlineSince, false) })
                  : state === 'stalled'
                    ? t('cameras.state.stalled')
                    : t('cameras.noPicture')}
              </Typography>
              {state === 'offline' && (
                <Typography data-testid="tile-retry" variant="body2" color="text.secondary">
                  {status?.retryAt && status.retryAt > now
                    ? t('cameras.retryIn', { n: Math.ceil((status.retryAt - now) / 1000) })
                    : t('cameras.retrying')}
                </Typography>
              )}
              {status?.reason && (
                // The reason in the operator's words; ffmpeg's technical text one hover away (title).
                <Typography
                  data-testid="tile-reason"
                  data-reason={status.reason.code}
                  title={status.error}
                  variant="caption"
                  color="text.secondary"
                  sx={{ px: 1, textAlign: 'center', pointerEvents: 'auto' }}
                >
                  {t(`cameras.reason.${status.reason.code}`, { seconds: status.reason.seconds })}
                </Typography>
              )}
            </Box>
          ) : null}
          <Typography
            data-testid="tile-age"
            variant="caption"
            sx={{
              position: 'absolute',
              bottom: 2,
              right: 6,
              color: 'text.secondary',
              textShadow: '0 0 3px #000',
              bgcolor: '#0008',
              px: 0.5,
              // One line on the smallest tile (9 tiles at 1366×768): the tail is cut, never wrapped over the picture;
              // the path comes before the rates, which matter less.
              maxWidth: 'calc(100% - 12px)',
              whiteSpace: 'nowrap',
              overflow: 'hidden',
              textOverflow: 'ellipsis',
            }}
          >
            {pictureAge !== undefined
              ? t('cameras.frameAge', { age: age(pictureAge) })
              : t('cameras.noPicture')}
            {status && state === 'live'
              ? ` · ${t(`video.path.${path}`)} · ${status.fps} fps · ${status.kbps} kb/s`
              : ''}
          </Typography>
          <Menu anchorEl={menu} open={Boolean(menu)} onClose={() => setMenu(null)}>
            <MenuItem
              data-testid="tile-replay"
              onClick={() => (setMenu(null), openReplay(camera.id, Date.now() - 30_000))}
            >
              {t('recordings.back30')}
            </MenuItem>
            <MenuItem onClick={() => void snapshot()} data-testid="tile-snapshot">
              {t('cameras.snapshot')}
            </MenuItem>
            <MenuItem onClick={() => (setMenu(null), actions?.onPick?.())}>{t('cameras.pick')}</MenuItem>
            {props.touring ? (
              <MenuItem onClick={() => (setMenu(null), actions?.onStopTour?.())}>
                {t('cameras.tourStop')}
              </MenuItem>
            ) : (
              [
                <MenuItem key="all" onClick={() => (setMenu(null), actions?.onTour?.('all'))}>
                  {t('cameras.tourStart', { n: 10 })}
                </MenuItem>,
                <MenuItem key="zone" onClick={() => (setMenu(null), actions?.onTour?.('zone'))}>
                  {t('cameras.tourZone')}
                </MenuItem>,
              ]
            )}
            <MenuItem onClick={() => (setMenu(null), actions?.onClear?.())}>
              {t('cameras.clearTile')}
            </MenuItem>
          </Menu>
        </>
      ) : (
        <Typography
          variant="body2"
          color="text.secondary"
          sx={{
            position: 'absolute',
            inset: 0,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            textAlign: 'center',
            p: 1,
          }}
        >
          {t('cameras.emptyTile')}
        </Typography>
      )}
    </Box>
  );
}
