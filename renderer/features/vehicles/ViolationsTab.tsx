import { Box, Button, Chip, Divider, Paper, Stack, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  CallResult,
  NoParkingAreaView,
  ViolationOutcome,
  ViolationView,
} from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { TextDialog } from '../../ui/dialogs';
import { formatClock, useNow, useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { ReplayButton } from '../recordings';
import { applyViolation, loadViolations, violations as violationsStore } from './store';
import { ViolationDialog } from './ViolationDialog';

const CALL_KEYS = [
  ['1', 'promised', 'success'],
  ['2', 'no_answer', 'inherit'],
  ['3', 'refused', 'error'],
] as const;
const CLOSE_KEYS = [
  ['m', 'moved', 'success'],
  ['x', 'towed', 'warning'],
  ['f', 'false', 'inherit'],
] as const;

const typing = (e: KeyboardEvent) => {
  const el = e.target as HTMLElement | null;
  return Boolean(el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable));
};
const minutes = (ms: number) => Math.max(0, Math.ceil(ms / 60_000));

/**
 * No-parking violations (违停处置): the standing ones with their clock, the call card for the selected one (the
 * owner's number from the records and what to say), towing with the police when refused or overdue, closing with
 * an outcome; each step's time kept. Keys: ↑ ↓ pick, 1 2 3 the call's result, T towing, M X F close, N record,
 * P set the plate.
 */
export function ViolationsTab() {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall('notice');
  const state = useStore(violationsStore);
  // By id, not position: a violation arriving on top (an alarm) must not move the operator's selection.
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [recording, setRecording] = useState(false);
  const [plateFor, setPlateFor] = useState<ViolationView | null>(null);
  useEffect(() => {
    loadViolations(client).catch((err: Error) => console.error(`loading violations failed: ${err.message}`));
  }, [client]);
  const list = state?.violations ?? [];
  const standing = list.filter((v) => v.state !== 'closed');
  const shown = [...standing, ...list.filter((v) => v.state === 'closed')];
  const current = shown.find((v) => v.id === selectedId) ?? shown[0];
  const move = (by: number) => {
    const at = current ? shown.indexOf(current) : 0;
    const next = shown[Math.max(0, Math.min(shown.length - 1, at + by))];
    if (next) setSelectedId(next.id);
  };
  const dialogOpen = recording || plateFor !== null;

  const apply = async (run: () => Promise<ViolationView>) => {
    const v = await run();
    violationsStore.set((prev) => (prev ? applyViolation(prev, v) : prev));
    return v;
  };
  const callResult = (v: ViolationView, result: CallResult) =>
    void call.run(() => apply(() => client.call('violations.call', { id: v.id, result })));
  const escalate = (v: ViolationView) =>
    void call.run(() => apply(() => client.call('violations.escalate', { id: v.id })));
  const close = (v: ViolationView, outcome: ViolationOutcome) =>
    void call.run(async () => {
      await apply(() => client.call('violations.close', { id: v.id, outcome }));
      // Repeat offenders change with an outcome (a false report is nobody's offence).
      await loadViolations(client);
    });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialogOpen || typing(e) || e.altKey || e.ctrlKey || e.metaKey) return;
      const k = e.key.toLowerCase();
      const open = current && current.state !== 'closed' ? current : undefined;
      if (k === 'arrowdown') move(1);
      else if (k === 'arrowup') move(-1);
      else if (k === 'n') setRecording(true);
      else if (open && k === 'p') setPlateFor(open);
      else if (open && k === 't') escalate(open);
      else if (open && CALL_KEYS.some(([key]) => key === k))
        callResult(open, CALL_KEYS.find(([key]) => key === k)![1]);
      else if (open && CLOSE_KEYS.some(([key]) => key === k))
        close(open, CLOSE_KEYS.find(([key]) => key === k)![1]);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (!state) return null;
  return (
    <Stack spacing={1.5} data-testid="violations-tab">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <Button variant="contained" data-testid="violation-open" onClick={() => setRecording(true)}>
          N {t('violations.open')}
        </Button>
        <Typography variant="body2" color="text.secondary">
          {t('violations.keysHint')}
        </Typography>
      </Box>
      <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(260px, 2fr) 3fr', gap: 1.5 }}>
        <Stack spacing={1} data-testid="violation-list">
          {shown.length === 0 && (
            <Typography color="text.secondary" data-testid="violation-none">
              {t('violations.none')}
            </Typography>
          )}
          {shown.map((v) => (
            <ViolationCard
              key={v.id}
              v={v}
              areas={state.areas}
              selected={v === current}
              onSelect={() => setSelectedId(v.id)}
            />
          ))}
        </Stack>
        {current && (
          <CallCard
            v={current}
            areas={state.areas}
            police={state.police.map((p) => p.number)}
            busy={call.busy}
            onCall={(r) => callResult(current, r)}
            onEscalate={() => escalate(current)}
            onClose={(o) => close(current, o)}
            onPlate={() => setPlateFor(current)}
          />
        )}
      </Box>
      <Divider />
      <Offenders state={state} />
      {recording && (
        <ViolationDialog
          areas={state.areas}
          onClose={() => setRecording(false)}
          onSubmit={async (f) => {
            const v = await apply(() =>
              client.call('violations.open', {
                plate: f.plate.trim(),
                area: f.area,
                ...(f.foundBy.trim() ? { foundBy: f.foundBy.trim() } : {}),
                ...(f.note.trim() ? { note: f.note.trim() } : {}),
              }),
            );
            setSelectedId(v.id);
            return v;
          }}
        />
      )}
      <TextDialog
        open={plateFor !== null}
        title={t('violations.setPlate')}
        label={t('violations.plate')}
        testId="violation-plate-dialog"
        min={2}
        onClose={() => setPlateFor(null)}
        onSubmit={(plate) => {
          const v = plateFor;
          if (v) void call.run(() => apply(() => client.call('violations.setPlate', { id: v.id, plate })));
        }}
      />
    </Stack>
  );
}

function areaOf(areas: readonly NoParkingAreaView[], id: string) {
  return areas.find((a) => a.id === id);
}

function Countdown({ v }: { v: ViolationView }) {
  const { t } = useTranslation();
  const now = useNow();
  if (v.state === 'closed')
    return <Chip size="small" label={t(`violations.outcome.${v.outcome ?? 'moved'}`)} />;
  const left = v.deadlineAt - now;
  return left > 0 && !v.overdue ? (
    <Chip
      size="small"
      color="warning"
      data-testid="violation-left"
      label={t('violations.left', { min: minutes(left) })}
    />
  ) : (
    <Chip
      size="small"
      color="error"
      data-testid="violation-overdue"
      label={t('violations.overdueBy', { min: minutes(now - v.deadlineAt) })}
    />
  );
}

function ViolationCard(props: {
  v: ViolationView;
  areas: readonly NoParkingAreaView[];
  selected: boolean;
  onSelect(): void;
}) {
  const { t } = useTranslation();
  const text = useText();
  const { v } = props;
  const area = areaOf(props.areas, v.area);
  return (
    <Paper
      variant="outlined"
      data-testid="violation-card"
      data-number={v.number}
      data-plate={v.plate}
      data-state={v.state}
      aria-selected={props.selected}
      onClick={props.onSelect}
      sx={{
        p: 1,
        cursor: 'pointer',
        borderColor: props.selected ? 'warning.main' : 'divider',
        borderWidth: props.selected ? 2 : 1,
        opacity: v.state === 'closed' ? 0.65 : 1,
      }}
    >
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography sx={{ fontWeight: 700, fontSize: '1.15rem' }} data-testid="violation-plate-text">
          {v.plate || t('violations.plateUnknown')}
        </Typography>
        <Chip
          size="small"
          color={v.kind === 'fire_lane' || v.kind === 'emergency_lane' ? 'error' : 'default'}
          label={t(`violations.kind.${v.kind}`)}
        />
        <Chip
          size="small"
          variant="outlined"
          data-testid="violation-state"
          label={t(`violations.state.${v.state}`)}
        />
        <Countdown v={v} />
        {v.offences > 1 && (
          <Chip
            size="small"
            color="error"
            variant="outlined"
            label={t('violations.repeat', { count: v.offences })}
          />
        )}
      </Box>
      <Typography variant="caption" color="text.secondary">
        {v.number} · {area ? text(area.name) : v.area} ·{' '}
        {t('violations.found', {
          time: formatClock(v.foundAt, false),
          who: v.source === 'alarm' ? t('violations.byAlarm') : v.foundBy,
        })}
      </Typography>
    </Paper>
  );
}

function CallCard(props: {
  v: ViolationView;
  areas: readonly NoParkingAreaView[];
  police: string[];
  busy: boolean;
  onCall(r: CallResult): void;
  onEscalate(): void;
  onClose(o: ViolationOutcome): void;
  onPlate(): void;
}) {
  const { t } = useTranslation();
  const text = useText();
  const now = useNow();
  const { v } = props;
  const area = areaOf(props.areas, v.area);
  const closed = v.state === 'closed';
  const refused = v.steps.some((s) => s.kind === 'call' && s.result === 'refused');
  const canEscalate =
    !closed && v.state !== 'escalated' && (refused || v.overdue || now >= v.deadlineAt || !v.vehicle);
  const vehicle = v.vehicle;
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="violation-call-card" data-number={v.number}>
      <Typography variant="subtitle1" sx={{ fontWeight: 700 }}>
        {t('violations.callCard')} · {v.number}
      </Typography>
      {!v.plate && !closed && (
        <Button size="small" variant="outlined" data-testid="violation-set-plate" onClick={props.onPlate}>
          P {t('violations.setPlate')}
        </Button>
      )}
      {vehicle ? (
        <Box data-testid="violation-owner">
          <Typography>
            {t('violations.owner', {
              owner: vehicle.owner,
              home: [vehicle.building, vehicle.unit, vehicle.room].filter(Boolean).join(' '),
            })}
          </Typography>
          <Typography
            sx={{ fontSize: '1.3rem', fontWeight: 700, letterSpacing: 1 }}
            data-testid="violation-phone"
          >
            {vehicle.phones.join(' / ')}
          </Typography>
        </Box>
      ) : (
        v.plate && (
          <Typography color="warning.main" data-testid="violation-no-owner">
            {t('violations.noOwner')}
          </Typography>
        )
      )}
      {v.plate && (
        <Typography
          variant="body2"
          sx={{ my: 1, p: 1, bgcolor: 'action.hover', borderRadius: 1 }}
          data-testid="violation-script"
        >
          {t('violations.script', {
            plate: v.plate,
            area: area ? text(area.name) : t(`violations.kind.${v.kind}`),
            min: Math.max(1, minutes(v.deadlineAt - now)),
          })}
        </Typography>
      )}
      {!closed && (
        <>
          <Typography variant="caption" color="text.secondary">
            {t('violations.callResult')}
          </Typography>
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mb: 1 }}>
            {CALL_KEYS.map(([key, result, colour]) => (
              <Button
                key={result}
                size="small"
                variant="contained"
                color={colour}
                disabled={props.busy}
                data-testid={`violation-call-${result}`}
                onClick={() => props.onCall(result)}
              >
                {key} {t(`violations.call.${result}`)}
              </Button>
            ))}
          </Box>
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'center', mb: 1 }}>
            <Button
              size="small"
              variant="contained"
              color="error"
              disabled={props.busy || !canEscalate}
              data-testid="violation-escalate"
              onClick={props.onEscalate}
            >
              T {t('violations.escalate')}
            </Button>
            {props.police.length > 0 && (
              <Typography variant="body2" color="text.secondary">
                {t('violations.police', { numbers: props.police.join(' / ') })}
              </Typography>
            )}
          </Box>
          <Typography variant="caption" color="text.secondary">
            {t('violations.close')}
          </Typography>
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mb: 1 }}>
            {CLOSE_KEYS.map(([key, outcome, colour]) => (
              <Button
                key={outcome}
                size="small"
                variant="outlined"
                color={colour}
                disabled={props.busy || (outcome === 'towed' && v.state !== 'escalated')}
                data-testid={`violation-close-${outcome}`}
                onClick={() => props.onClose(outcome)}
              >
                {key.toUpperCase()} {t(`violations.outcome.${outcome}`)}
              </Button>
            ))}
          </Box>
        </>
      )}
      {v.snapshot && (
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <Typography variant="caption" color="text.secondary">
            {t('violations.snapshot')}
          </Typography>
          <ReplayButton cameraId={v.snapshot.camera} from={v.snapshot.at - 10_000} />
        </Box>
      )}
      <Box component="ol" sx={{ m: 0, pl: 2.5 }} data-testid="violation-steps">
        {v.steps.map((s, i) => (
          <li key={i} data-testid="violation-step" data-kind={s.kind}>
            <Typography variant="body2">
              {formatClock(s.at)} · {t(`violations.step.${s.kind}`)}
              {s.kind === 'call' && s.result ? ` · ${t(`violations.call.${s.result as CallResult}`)}` : ''}
              {s.kind === 'closed' && s.result
                ? ` · ${t(`violations.outcome.${s.result as ViolationOutcome}`)}`
                : ''}
              {s.kind === 'plate' && s.result ? ` · ${s.result}` : ''}
              {s.kind === 'found'
                ? ` · ${s.by === 'alarm' ? t('violations.byAlarm') : s.by}`
                : s.by !== 'system'
                  ? ` · ${s.by}`
                  : ''}
              {s.note ? ` · ${s.note}` : ''}
            </Typography>
          </li>
        ))}
      </Box>
    </Paper>
  );
}

function Offenders({ state }: { state: NonNullable<ReturnType<typeof violationsStore.get>> }) {
  const { t } = useTranslation();
  const text = useText();
  return (
    <Box data-testid="violation-offenders">
      <Typography variant="subtitle2">{t('violations.offenders')}</Typography>
      {state.offenders.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {t('violations.noOffenders')}
        </Typography>
      ) : (
        state.offenders.map((o) => {
          const area = areaOf(state.areas, o.lastArea);
          return (
            <Typography key={o.plate} variant="body2" data-testid="violation-offender" data-plate={o.plate}>
              {t('violations.offenderLine', {
                plate: o.plate,
                count: o.count,
                time: formatClock(o.lastAt, false),
                area: area ? text(area.name) : o.lastArea,
              })}
              {o.owner ? ` · ${o.owner}` : ''}
            </Typography>
          );
        })
      )}
    </Box>
  );
}
