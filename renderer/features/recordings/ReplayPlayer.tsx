import {
  Box,
  Button,
  Dialog,
  DialogContent,
  DialogTitle,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from '@mui/material';
import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecordingList } from '../../../shared/contract';
import { useStore } from '../../api/store';
import { useClient } from '../../api/client';
import { formatClock, useText } from '../../ui/hooks';
import { PRIORITY_COLOURS } from '../../ui/theme';
import { useSystem } from '../system';
import { ExportDialog } from './EvidenceClips';
import { closeReplay, openReplay, playUrl, replay, speed, timeOfDayBefore, type Replay } from './store';

const HOUR_MS = 3600_000;
/** An alarm mark plays from this long before the alarm: what led up to it. */
const MARK_PRE_ROLL_MS = 10_000;
const JUMP_MS = 10_000;

/** A row of the last hour: recorded spans filled, gaps blank; a click plays from that time. */
function Scrubber({
  list,
  from,
  to,
  at,
}: {
  list: RecordingList | undefined;
  from: number;
  to: number;
  at: number;
}) {
  const { t } = useTranslation();
  const pick = (e: MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    if (list) openReplay(list.cameraId, from + ((e.clientX - box.left) / box.width) * (to - from));
  };
  const pct = (t0: number) => `${(Math.min(Math.max(t0 - from, 0), to - from) / (to - from)) * 100}%`;
  return (
    <Box
      data-testid="replay-scrubber"
      role="slider"
      aria-label={t('recordings.lastHour')}
      aria-valuemin={from}
      aria-valuemax={to}
      aria-valuenow={at}
      title={t('recordings.lastHour')}
      onClick={pick}
      sx={{ position: 'relative', height: 18, bgcolor: 'action.hover', cursor: 'pointer', borderRadius: 0.5 }}
    >
      {list?.coverage.map((c) => (
        <Box
          key={c.start}
          data-testid="replay-coverage"
          sx={{
            position: 'absolute',
            top: 0,
            bottom: 0,
            left: pct(c.start),
            right: `calc(100% - ${pct(c.end)})`,
            bgcolor: 'primary.dark',
          }}
        />
      ))}
      {list?.alarms?.map((a) => (
        <Tooltip
          key={a.id}
          title={`${formatClock(a.at)} · ${t(`alarmType.${a.type}`, { defaultValue: a.type })}`}
        >
          <Box
            data-testid="replay-alarm-mark"
            data-alarm-id={a.id}
            role="button"
            aria-label={`${formatClock(a.at)} ${t(`alarmType.${a.type}`, { defaultValue: a.type })}`}
            onClick={(e) => {
              // The mark, not the bar under it: play from just before the alarm.
              e.stopPropagation();
              if (list) openReplay(list.cameraId, a.at - MARK_PRE_ROLL_MS);
            }}
            sx={{
              position: 'absolute',
              top: -6,
              left: `calc(${pct(a.at)} - 5px)`,
              width: 0,
              height: 0,
              borderLeft: '5px solid transparent',
              borderRight: '5px solid transparent',
              borderTop: `8px solid ${PRIORITY_COLOURS[a.priority] ?? '#fff'}`,
              opacity: a.drill ? 0.5 : 1,
              cursor: 'pointer',
            }}
          />
        </Tooltip>
      ))}
      <Box
        sx={{ position: 'absolute', top: -2, bottom: -2, width: 2, left: pct(at), bgcolor: 'warning.main' }}
      />
    </Box>
  );
}

/** The replay player, mounted once by the app: shown while a replay is open; a new request starts afresh. */
export function ReplayPlayer() {
  const open = useStore(replay);
  return open ? <ReplayView key={`${open.cameraId}@${open.from}`} open={open} /> : null;
}

/** The recording in a `<video>`, play/pause, 1×/2×/4×, the last hour's scrubber, Esc = live. */
function ReplayView({ open }: { open: Replay }) {
  const { t } = useTranslation();
  const text = useText();
  const client = useClient();
  const site = useStore(useSystem().site);
  const rate = useStore(speed);
  const video = useRef<HTMLVideoElement | null>(null);
  const [list, setList] = useState<RecordingList | undefined>();
  const [position, setPosition] = useState(0);
  const [paused, setPaused] = useState(false);
  const [failed, setFailed] = useState(false);
  const [now] = useState(() => Date.now());
  const [src, setSrc] = useState<string | undefined>();
  // A range picked here (start and end marks) exported as the alarm's evidence, this camera only.
  const [markIn, setMarkIn] = useState<number | undefined>();
  const [markOut, setMarkOut] = useState<number | undefined>();
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    let cancelled = false;
    const to = Date.now();
    void client.call('recordings.list', { cameraId: open.cameraId, from: to - HOUR_MS, to }).then(
      (l) => {
        if (cancelled) return;
        setList(l);
        setSrc(playUrl(l, open.from, to));
      },
      () => !cancelled && setFailed(true),
    );
    return () => {
      cancelled = true;
    };
  }, [client, open]);

  useEffect(() => {
    if (video.current) video.current.playbackRate = rate;
  }, [rate, src]);

  const camera = site?.cameras.find((c) => c.id === open.cameraId);
  const at = open.from + position * 1000;
  const [jumpTo, setJumpTo] = useState('');
  const jump = () => {
    const target = timeOfDayBefore(jumpTo, Date.now());
    if (target !== undefined) openReplay(open.cameraId, target, open.alarmId);
  };
  /**
   * Space: play/pause; ← →: 10 s back/forward (the replay starts again there: the stream it plays cannot seek);
   * ".": one frame forward while paused (plays until the next picture is shown). Esc: live, the dialog's.
   */
  const keys = (e: KeyboardEvent) => {
    const v = video.current;
    if (!v || (e.target as HTMLElement).tagName === 'INPUT') return;
    if (e.key === ' ') {
      if (v.paused) void v.play();
      else v.pause();
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const by = e.key === 'ArrowLeft' ? -JUMP_MS : JUMP_MS;
      openReplay(open.cameraId, Math.min(Date.now() - JUMP_MS, Math.round(at + by)), open.alarmId);
    } else if (e.key === '.') {
      v.requestVideoFrameCallback(() => v.pause());
      void v.play();
    } else return;
    e.preventDefault();
  };
  return (
    <Dialog open onClose={closeReplay} maxWidth="md" fullWidth data-testid="replay-dialog" onKeyDown={keys}>
      <DialogTitle sx={{ py: 1 }}>
        {t('recordings.title', { camera: text(camera?.name) || open.cameraId })}
      </DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
        <Box
          sx={{
            bgcolor: '#000',
            aspectRatio: '16 / 9',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
          }}
        >
          {failed ? (
            <Typography color="error">{t('recordings.failed')}</Typography>
          ) : list && list.coverage.length === 0 ? (
            <Typography color="text.secondary">{t('recordings.nothing')}</Typography>
          ) : (
            src && (
              <video
                key={src}
                ref={video}
                data-testid="replay-video"
                src={src}
                autoPlay
                muted
                playsInline
                style={{ width: '100%', height: '100%' }}
                onLoadedMetadata={(e) => (e.currentTarget.playbackRate = rate)}
                onTimeUpdate={(e) => setPosition(e.currentTarget.currentTime)}
                onPlay={() => setPaused(false)}
                onPause={() => setPaused(true)}
                onError={() => setFailed(true)}
              />
            )
          )}
        </Box>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
          <Button
            size="small"
            variant="outlined"
            data-testid="replay-toggle"
            onClick={() => (paused ? void video.current?.play() : video.current?.pause())}
          >
            {paused ? t('recordings.play') : t('recordings.pause')}
          </Button>
          <ToggleButtonGroup
            size="small"
            exclusive
            value={rate}
            aria-label={t('recordings.speed')}
            onChange={(_, v: 1 | 2 | 4 | null) => v && speed.set(v)}
          >
            {([1, 2, 4] as const).map((r) => (
              <ToggleButton key={r} value={r} data-testid={`replay-rate-${r}`}>
                {r}×
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
          <Typography data-testid="replay-time" variant="body2" sx={{ flex: 1 }}>
            {t('recordings.at', { time: formatClock(at) })}
          </Typography>
          <TextField
            size="small"
            label={t('recordings.jumpTo')}
            placeholder="hh:mm:ss"
            value={jumpTo}
            onChange={(e) => setJumpTo(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && jump()}
            slotProps={{ htmlInput: { 'data-testid': 'replay-jump', inputMode: 'numeric' } }}
            sx={{ width: 130 }}
          />
          {open.alarmId && (
            <>
              <Button size="small" data-testid="replay-mark-in" onClick={() => setMarkIn(Math.round(at))}>
                {t('recordings.markIn')}
                {markIn !== undefined && ` ${formatClock(markIn)}`}
              </Button>
              <Button size="small" data-testid="replay-mark-out" onClick={() => setMarkOut(Math.round(at))}>
                {t('recordings.markOut')}
                {markOut !== undefined && ` ${formatClock(markOut)}`}
              </Button>
              <Button
                size="small"
                variant="outlined"
                data-testid="replay-export"
                disabled={markIn === undefined || markOut === undefined || markOut <= markIn}
                onClick={() => setExporting(true)}
              >
                {t('recordings.exportRange')}
              </Button>
            </>
          )}
          <Button size="small" variant="contained" data-testid="replay-live" onClick={closeReplay}>
            {t('recordings.live')}
          </Button>
        </Box>
        <Scrubber list={list} from={now - HOUR_MS} to={now} at={at} />
        <Typography variant="caption" color="text.secondary" data-testid="replay-keys">
          {t('recordings.keys')}
        </Typography>
        {open.alarmId && markIn !== undefined && markOut !== undefined && markOut > markIn && (
          <ExportDialog
            open={exporting}
            onClose={() => setExporting(false)}
            alarmId={open.alarmId}
            cameraIds={[open.cameraId]}
            range={{ from: markIn, to: Math.min(markOut, markIn + 30 * 60_000) }}
          />
        )}
      </DialogContent>
    </Dialog>
  );
}
