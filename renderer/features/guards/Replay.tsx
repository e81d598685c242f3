import { Box, Button, IconButton, Slider, Typography } from '@mui/material';
import type L from 'leaflet';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Marker, Polyline } from 'react-leaflet';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { SelectInput, TextInput } from '../../ui/fields';
import { formatClock, useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { useSystem } from '../system';
import { replayIcon } from './icons';
import { positionAtTime as positionAt } from '../../../shared/domain/geo';

/** Replay speed: one hour of track in one minute. */
const SPEED = 60;
const TICK_MS = 200;
/** How much track to load from the chosen start (the contract allows up to 7 days). */
const SPANS_MIN = [15, 60, 240, 720, 1440];

/** A guard's stored track as `guards.track` gives it. */
export type Track = Pick<MethodOutput<'guards.track'>, 'points' | 'thinned'> & { guardId: string };

/** `datetime-local` wants local time without a zone. */
function toLocalInput(at: number): string {
  const d = new Date(at - new Date(at).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** The track drawn on the map: all of it faint, the part already replayed bright, and the replay marker. */
export function ReplayLayer({ track, at }: { track: Track; at: number }) {
  const ref = useRef<L.Marker>(null);
  const all = useMemo(() => track.points.map((p) => [p.lat, p.lon] as [number, number]), [track]);
  const played = useMemo(() => {
    const out: Array<[number, number]> = [];
    for (const p of track.points) {
      if (p.at > at) break;
      out.push([p.lat, p.lon]);
    }
    const here = positionAt(track.points, at);
    if (here) out.push(here);
    return out;
  }, [track, at]);
  const here = positionAt(track.points, at);
  useEffect(() => {
    if (!here) return;
    ref.current
      ?.getElement()
      ?.querySelector('[data-testid="replay-marker"]')
      ?.setAttribute('data-position', `${here[0].toFixed(6)},${here[1].toFixed(6)}`);
  }, [here]);
  return (
    <>
      <Polyline
        positions={all}
        pathOptions={{ color: '#ffd54f', weight: 3, opacity: 0.3 }}
        interactive={false}
      />
      <Polyline
        positions={played}
        pathOptions={{ color: '#ffd54f', weight: 4, opacity: 0.95 }}
        interactive={false}
      />
      {here && <Marker ref={ref} position={here} icon={replayIcon} zIndexOffset={3000} keyboard={false} />}
    </>
  );
}

/**
 * The replay bar over the map: pick a guard and a time range (the last hour by default), load his stored
 * track, then scrub with the slider or play it. Esc leaves replay.
 */
export function ReplayBar(props: {
  track: Track | null;
  at: number;
  onTrack(track: Track | null): void;
  onAt(at: number): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const site = useStore(useSystem().site);
  const call = useCall();
  const text = useText();
  const guards = site?.guards ?? [];
  const [guardId, setGuardId] = useState(() => guards[0]?.id ?? '');
  const [from, setFrom] = useState(() => toLocalInput(Date.now() - 3_600_000));
  const [spanMin, setSpanMin] = useState(60);
  const [playing, setPlaying] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const { track, at, onAt, onClose, onTrack } = props;
  const first = track?.points[0]?.at ?? 0;
  const lastAt = track?.points.at(-1)?.at ?? 0;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Esc in an open drop-down closes the drop-down only.
      const inMenu = (e.target as HTMLElement | null)?.closest?.('[role=listbox],[role=menu]');
      if (e.key === 'Escape' && !inMenu) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  // Playing advances the clock; it stops by itself at the end of the track.
  const atRef = useRef(at);
  useEffect(() => {
    atRef.current = at;
  }, [at]);
  useEffect(() => {
    if (!playing || !track) return undefined;
    const id = window.setInterval(() => {
      const next = Math.min(lastAt, atRef.current + SPEED * TICK_MS);
      onAt(next);
      if (next >= lastAt) setPlaying(false);
    }, TICK_MS);
    return () => window.clearInterval(id);
  }, [playing, track, lastAt, onAt]);

  const load = async () => {
    const start = new Date(from).getTime();
    if (!guardId || !Number.isFinite(start)) return;
    // The minute being typed is included: "the last hour" really ends now.
    const end = start + spanMin * 60_000 + 60_000;
    setPlaying(false);
    setMessage(null);
    const result = await call.run(() => client.call('guards.track', { guardId, from: start, to: end }));
    if (!result) {
      onTrack(null);
      return;
    }
    const { points, thinned } = result;
    setMessage(points.length === 0 ? t('siteMap.replay.empty') : null);
    onTrack(points.length > 0 ? { guardId, points, thinned } : null);
    if (points[0]) onAt(points[0].at);
  };

  return (
    <Box
      data-testid="replay-bar"
      role="region"
      aria-label={t('siteMap.replay.title')}
      sx={{
        borderBottom: 1,
        borderColor: 'divider',
        px: 1,
        py: 0.75,
        display: 'flex',
        flexDirection: 'column',
        gap: 0.5,
      }}
    >
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
        <SelectInput
          value={guardId}
          onChange={setGuardId}
          sx={{ minWidth: 96 }}
          testId="replay-guard"
          label={t('siteMap.replay.guard')}
          options={guards.map((g) => ({ value: g.id, label: text(g.name), testId: 'replay-guard-option' }))}
        />
        <TextInput
          type="datetime-local"
          label={t('siteMap.replay.from')}
          value={from}
          onChange={setFrom}
          shrinkLabel
          testId="replay-from"
          sx={{ flex: 1, minWidth: 0 }}
        />
        <SelectInput
          label={t('siteMap.replay.span')}
          value={spanMin}
          onChange={setSpanMin}
          sx={{ minWidth: 88 }}
          options={SPANS_MIN.map((m) => ({
            value: m,
            label: m < 60 ? t('siteMap.replay.minutes', { n: m }) : t('siteMap.replay.hours', { n: m / 60 }),
          }))}
        />
        <Button
          variant="contained"
          onClick={() => void load()}
          disabled={call.busy}
          data-testid="replay-load"
          sx={{ whiteSpace: 'nowrap', flex: 'none', textTransform: 'none' }}
        >
          {t('siteMap.replay.load')}
        </Button>
        <IconButton aria-label={t('siteMap.replay.close')} onClick={onClose} data-testid="replay-close">
          ✕
        </IconButton>
      </Box>
      {(call.error || message) && <Typography color="warning.main">{call.error || message}</Typography>}
      {track && (
        <Box sx={{ display: 'flex', gap: 1.5, alignItems: 'center' }}>
          <Button
            variant="outlined"
            size="small"
            onClick={() => {
              if (!playing && at >= lastAt) onAt(first);
              setPlaying((p) => !p);
            }}
            data-testid="replay-play"
            sx={{ minWidth: 88 }}
          >
            {playing ? t('siteMap.replay.pause') : t('siteMap.replay.play')}
          </Button>
          <Slider
            data-testid="replay-slider"
            min={first}
            max={Math.max(lastAt, first + 1)}
            step={1000}
            value={Math.min(Math.max(at, first), lastAt)}
            onChange={(_e, v) => {
              setPlaying(false);
              onAt(v as number);
            }}
            valueLabelDisplay="auto"
            valueLabelFormat={(v) => formatClock(v)}
            sx={{ flex: 1 }}
          />
          <Typography
            data-testid="replay-time"
            sx={{ fontSize: '1.2rem', fontWeight: 700, fontVariantNumeric: 'tabular-nums' }}
          >
            {formatClock(at)}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            {t('siteMap.replay.points', { count: track.points.length })}
            {track.thinned ? ` · ${t('siteMap.replay.thinned')}` : ''}
          </Typography>
        </Box>
      )}
    </Box>
  );
}
