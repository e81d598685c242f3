import { Box, Button, Chip, Paper, Stack, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GateDecision, GateDesk, GateMatch, GateReadView, VisitorInput } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { formatClock, useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { ReplayButton } from '../recordings';
import { desk as deskStore, applyRead } from './store';
import { VisitorDialog } from './VisitorDialog';

const MATCH_COLOUR: Record<GateMatch, 'success' | 'info' | 'warning' | 'error' | 'default'> = {
  resident: 'success',
  visitor: 'info',
  expired: 'warning',
  blacklisted: 'error',
  unknown: 'default',
};

/** The decision keys, as shown on their buttons. */
const DECISION_KEYS = [
  ['1', 'allow_once', 'success', 'gate-allow'],
  ['2', 'visitor', 'info', 'gate-visitor'],
  ['3', 'refuse', 'error', 'gate-refuse'],
] as const;

/** A key press the desk answers: not while the operator types into a field. */
const typing = (e: KeyboardEvent) => {
  const el = e.target as HTMLElement | null;
  return Boolean(el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable));
};

/** A plate with violations on record: flagged when it arrives (a repeat offender at two or more). */
export function OffenceChip({ count }: { count: number | undefined }) {
  const { t } = useTranslation();
  if (!count) return null;
  return (
    <Chip
      size="small"
      color={count > 1 ? 'error' : 'warning'}
      variant="outlined"
      label={t('violations.repeat', { count })}
      data-testid="gate-offences"
      data-count={count}
    />
  );
}

export function MatchChip({ match }: { match: GateMatch }) {
  const { t } = useTranslation();
  return (
    <Chip
      size="small"
      color={MATCH_COLOUR[match]}
      label={t(`vehicles.match.${match}`)}
      data-testid="gate-match"
      data-match={match}
    />
  );
}

/**
 * The gates: the cars waiting for a decision first (1 let in once, 2 register a visitor, 3 refuse; ↑ ↓ pick),
 * then each gate's last reads with their match and what the barrier did.
 */
export function GatesTab({ desk }: { desk: GateDesk }) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall('notice');
  const [selected, setSelected] = useState(0);
  const [visitorFor, setVisitorFor] = useState<GateReadView | null>(null);
  const waiting = desk.waiting;
  const current = waiting[Math.min(selected, waiting.length - 1)];
  const gateOf = (id: string) => desk.gates.find((g) => g.id === id);

  const decide = async (read: GateReadView, decision: GateDecision, visitor?: VisitorInput) => {
    const { plate: _p, expected: _e, ...who } = visitor ?? ({} as VisitorInput);
    const result = await client.call('gates.decide', {
      id: read.id,
      decision,
      ...(visitor ? { visitor: who } : {}),
    });
    // The count inside comes with the core's event for this decision.
    deskStore.set((prev) => (prev ? applyRead(prev, result, prev.inside) : prev));
    return result;
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (visitorFor || typing(e) || e.altKey || e.ctrlKey || e.metaKey || !current) return;
      if (e.key === 'ArrowDown') setSelected((s) => Math.min(s + 1, waiting.length - 1));
      else if (e.key === 'ArrowUp') setSelected((s) => Math.max(s - 1, 0));
      else if (e.key === '1') void call.run(() => decide(current, 'allow_once'));
      else if (e.key === '2') setVisitorFor(current);
      else if (e.key === '3') void call.run(() => decide(current, 'refuse'));
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <Stack spacing={1.5}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <Chip
          color="primary"
          data-testid="vehicles-inside"
          label={t('vehicles.inside', { count: desk.inside })}
        />
        <Typography variant="body2" color="text.secondary">
          {t('vehicles.keysHint')}
        </Typography>
      </Box>
      <Typography variant="subtitle2">{t('vehicles.waiting')}</Typography>
      {waiting.length === 0 && (
        <Typography color="text.secondary" data-testid="gate-none-waiting">
          {t('vehicles.noWaiting')}
        </Typography>
      )}
      {waiting.map((read) => (
        <WaitingCard
          key={read.id}
          read={read}
          gate={gateOf(read.gateId)}
          selected={read === current}
          busy={call.busy}
          onSelect={() => setSelected(waiting.indexOf(read))}
          onDecide={(decision) =>
            decision === 'visitor' ? setVisitorFor(read) : void call.run(() => decide(read, decision))
          }
        />
      ))}
      <Box
        sx={{
          display: 'grid',
          gridTemplateColumns: `repeat(${Math.max(desk.gates.length, 1)}, 1fr)`,
          gap: 1.5,
        }}
      >
        {desk.gates.map((g) => (
          <GateColumn key={g.id} gate={g} />
        ))}
      </Box>
      {visitorFor && (
        <VisitorDialog
          plate={visitorFor.plate}
          defaults={desk.visitorDefaults}
          onClose={() => setVisitorFor(null)}
          onSubmit={(input) => decide(visitorFor, 'visitor', input)}
        />
      )}
    </Stack>
  );
}

function WaitingCard(props: {
  read: GateReadView;
  gate: GateDesk['gates'][number] | undefined;
  selected: boolean;
  busy: boolean;
  onSelect(): void;
  onDecide(decision: GateDecision): void;
}) {
  const { t } = useTranslation();
  const text = useText();
  const { read, gate } = props;
  return (
    <Paper
      variant="outlined"
      data-testid="gate-waiting"
      data-plate={read.plate}
      aria-selected={props.selected}
      onClick={props.onSelect}
      sx={{
        p: 1.5,
        display: 'flex',
        gap: 2,
        alignItems: 'center',
        flexWrap: 'wrap',
        borderColor: props.selected ? 'warning.main' : 'divider',
        borderWidth: props.selected ? 2 : 1,
      }}
    >
      <Box sx={{ minWidth: 180 }}>
        <Typography
          sx={{ fontSize: '1.6rem', fontWeight: 700, letterSpacing: 1 }}
          data-testid="gate-read-plate"
        >
          {read.plate}
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {gate ? text(gate.name) : read.gateId} · {t(`vehicles.direction_${read.direction}`)} ·{' '}
          {formatClock(read.at)}
        </Typography>
      </Box>
      <Box sx={{ flex: 1, minWidth: 200 }}>
        <MatchChip match={read.match} /> <OffenceChip count={read.offences} />
        <Typography variant="body2" sx={{ mt: 0.5 }}>
          {read.valid
            ? t('vehicles.confidence', { pct: Math.round(read.confidence * 100) })
            : t('vehicles.invalidPlate')}
        </Typography>
        {read.vehicle && (
          <Typography variant="body2" data-testid="gate-read-owner">
            {read.vehicle.owner} ·{' '}
            {[read.vehicle.building, read.vehicle.unit, read.vehicle.room].filter(Boolean).join(' ')} ·{' '}
            {read.vehicle.phones.join(' ')}
          </Typography>
        )}
        {read.near.length > 0 && (
          <Typography variant="body2" color="warning.main" data-testid="gate-read-near">
            {t('vehicles.near', {
              list: read.near.map((v) => `${v.plate} ${v.owner}`).join('；'),
            })}
          </Typography>
        )}
        {gate?.camera && <ReplayButton cameraId={gate.camera} from={read.at - 10_000} />}
      </Box>
      <Box sx={{ display: 'flex', gap: 1 }}>
        {DECISION_KEYS.map(([key, decision, colour, testId]) => (
          <Button
            key={decision}
            variant="contained"
            color={colour}
            disabled={props.busy}
            data-testid={testId}
            onClick={() => props.onDecide(decision)}
          >
            {key} {t(`vehicles.decision.${decision}`)}
          </Button>
        ))}
      </Box>
    </Paper>
  );
}

function GateColumn({ gate }: { gate: GateDesk['gates'][number] }) {
  const { t } = useTranslation();
  const text = useText();
  return (
    <Paper variant="outlined" sx={{ p: 1 }} data-testid="gate-column" data-gate={gate.id}>
      <Typography variant="subtitle2" sx={{ mb: 0.5 }}>
        {text(gate.name)}
      </Typography>
      {gate.reads.length === 0 && (
        <Typography variant="body2" color="text.secondary">
          {t('vehicles.noReads')}
        </Typography>
      )}
      {gate.reads.map((r) => (
        <Box
          key={r.id}
          data-testid="gate-read"
          data-plate={r.plate}
          data-barrier={r.barrier}
          sx={{
            display: 'grid',
            gridTemplateColumns: '4.5em 3em 7em 1fr',
            gap: 1,
            alignItems: 'center',
            py: 0.25,
          }}
        >
          <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums' }}>
            {formatClock(r.at)}
          </Typography>
          <Typography variant="body2">{t(`vehicles.direction_${r.direction}`)}</Typography>
          <Typography variant="body2" sx={{ fontWeight: 600 }}>
            {r.plate}
          </Typography>
          <Box sx={{ display: 'flex', gap: 0.5, alignItems: 'center', flexWrap: 'wrap' }}>
            <MatchChip match={r.match} />
            <OffenceChip count={r.offences} />
            <Typography variant="caption" color={r.barrier === 'refused' ? 'error.main' : 'text.secondary'}>
              {r.decision ? t(`vehicles.decision.${r.decision}`) : t(`vehicles.barrier.${r.barrier}`)}
              {r.decidedBy ? ` · ${r.decidedBy}` : ''}
            </Typography>
          </Box>
        </Box>
      ))}
    </Paper>
  );
}
