import { Box, Button, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  DueRoundView,
  MaintenanceItemView,
  MethodOutput,
  RoundSummaryView,
} from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { OverdueChip } from './ListDetail';
import { StatusChip, stamp, useZoneName } from './parts';
import { roundOpen } from './store';

const STATE_COLOUR: Record<DueRoundView['state'], string> = {
  done: 'verified',
  pending: 'assigned',
  missed: 'open',
};

/** The shift's due list: video rounds and inspections, each started (or resumed) from here. */
export function RoundsTab() {
  const { t } = useTranslation();
  const client = useClient();
  const text = useText();
  const zoneName = useZoneName();
  const { run } = useCall('notice');
  const [due, setDue] = useState<MethodOutput<'rounds.due'> | null>(null);
  const [upkeep, setUpkeep] = useState<MaintenanceItemView[]>([]);
  const [recent, setRecent] = useState<RoundSummaryView[]>([]);
  const reload = useCallback(
    () =>
      void run(async () => {
        const [rounds, maintenance, done] = await Promise.all([
          client.call('rounds.due'),
          client.call('maintenance.due'),
          client.call('rounds.recent'),
        ]);
        setDue(rounds);
        setUpkeep(maintenance.items);
        setRecent(done.runs);
      }),
    [client, run],
  );
  useEffect(() => {
    reload();
    let timer: number | undefined;
    const off = client.on('facilities.changed', ({ what }) => {
      if (!what.includes('rounds')) return;
      timer ??= window.setTimeout(() => {
        timer = undefined;
        reload();
      }, 300);
    });
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [client, reload]);

  const maintained = async (entryId: string) => {
    const after = await run(() => client.call('maintenance.done', { entryId }));
    if (after) setUpkeep(after.items);
  };
  const start = async (roundId: string) => {
    const started = await run(() => client.call('rounds.start', { roundId }));
    if (started) roundOpen.set({ runId: started.id });
  };

  if (!due) return null;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }} data-testid="rounds-tab">
      <RoundsSection
        title={t('rounds.shift', { from: stamp(due.shift.from), to: stamp(due.shift.to) })}
        first
        none={t('rounds.none')}
        head={[
          t('facilities.col.name'),
          t('facilities.col.kind'),
          t('facilities.col.zone'),
          t('rounds.dueCol'),
          t('facilities.col.state'),
          '',
        ]}
      >
        {due.rounds.map((r) => (
          <TableRow
            key={`${r.roundId}:${r.dueAt}`}
            data-testid="round-row"
            data-round-id={r.roundId}
            data-kind={r.kind}
            data-state={r.state}
          >
            <TableCell sx={{ fontSize: '1rem' }}>{text(r.name)}</TableCell>
            <TableCell>
              {t(`rounds.kind.${r.kind}`)} ·{' '}
              {t(r.kind === 'video' ? 'rounds.cameras' : 'rounds.facilities', { n: r.subjects })}
            </TableCell>
            <TableCell>{r.zone ? zoneName(r.zone) : t('rounds.zoneAll')}</TableCell>
            <TableCell>
              {r.doneAt !== undefined
                ? t('rounds.doneAt', { time: stamp(r.doneAt) })
                : t('rounds.due', { time: stamp(r.dueAt) })}
            </TableCell>
            <TableCell>
              <StatusChip value={STATE_COLOUR[r.state]} label={t(`rounds.state.${r.state}`)} />
            </TableCell>
            <TableCell>
              {r.state !== 'done' && (
                <Button variant="contained" data-testid="round-start" onClick={() => void start(r.roundId)}>
                  {t(r.runId ? 'rounds.resume' : 'rounds.start')}
                </Button>
              )}
            </TableCell>
          </TableRow>
        ))}
      </RoundsSection>
      <RoundsSection title={t('rounds.recent')} none={t('rounds.recentNone')}>
        {recent.map((r) => (
          <TableRow
            key={r.id}
            data-testid="round-recent"
            data-round-id={r.roundId}
            data-problems={r.problems}
          >
            <TableCell>{text(r.name)}</TableCell>
            <TableCell>{t(`rounds.kind.${r.kind}`)}</TableCell>
            <TableCell>{t('rounds.by', { who: r.by })}</TableCell>
            <TableCell>{t('rounds.doneAt', { time: stamp(r.finishedAt) })}</TableCell>
            <TableCell>
              {t('rounds.checked', { checked: r.checked, total: r.subjects, problems: r.problems })}
            </TableCell>
            <TableCell>
              <Button data-testid="round-view" onClick={() => roundOpen.set({ runId: r.id })}>
                {t('rounds.view')}
              </Button>
            </TableCell>
          </TableRow>
        ))}
      </RoundsSection>
      <RoundsSection
        title={t('rounds.maintenance')}
        none={t('rounds.maintenanceNone')}
        noneTestId="maintenance-none"
      >
        {upkeep.map((m) => (
          <TableRow
            key={m.entryId}
            data-testid="maintenance-row"
            data-code={m.code}
            data-overdue={String(m.overdue)}
          >
            <TableCell>{m.code}</TableCell>
            <TableCell>{m.name}</TableCell>
            <TableCell>{t(`facilities.kind.${m.kind}`)}</TableCell>
            <TableCell>{zoneName(m.zone)}</TableCell>
            <TableCell>
              {t('rounds.everyDays', { n: m.everyDays })} ·{' '}
              {m.lastDoneAt !== undefined
                ? t('rounds.lastDone', { time: stamp(m.lastDoneAt) })
                : t('rounds.neverDone')}
            </TableCell>
            <TableCell>
              {t('rounds.due', { time: stamp(m.dueAt) })}
              {m.overdue && <OverdueChip />}
            </TableCell>
            <TableCell>
              <Button
                variant="outlined"
                data-testid="maintenance-done"
                onClick={() => void maintained(m.entryId)}
              >
                {t('rounds.maintenanceDone')}
              </Button>
            </TableCell>
          </TableRow>
        ))}
      </RoundsSection>
    </Box>
  );
}

/** One list of the tab under its heading: its rows in a small table, or a line saying there are none. */
function RoundsSection(props: {
  title: string;
  /** The tab's first heading has no space above it. */
  first?: boolean;
  none: string;
  noneTestId?: string;
  head?: string[];
  children: ReactNode[];
}) {
  return (
    <>
      <Typography variant="subtitle1" sx={props.first ? undefined : { mt: 2 }}>
        {props.title}
      </Typography>
      {props.children.length === 0 ? (
        <Typography color="text.secondary" data-testid={props.noneTestId}>
          {props.none}
        </Typography>
      ) : (
        <Table size="small">
          {props.head && (
            <TableHead>
              <TableRow>
                {props.head.map((c, i) => (
                  <TableCell key={i}>{c}</TableCell>
                ))}
              </TableRow>
            </TableHead>
          )}
          <TableBody>{props.children}</TableBody>
        </Table>
      )}
    </>
  );
}
