import { Box, Button, Chip, Typography } from '@mui/material';
import { useEffect, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmView, MethodInput, MethodOutput, RunView } from '../../../shared/contract';
import {
  fillScript,
  runState,
  type PlaybookStep,
  type StepOutcome,
  type StepState,
} from '../../../shared/domain/playbook';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { FormDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { formatClock, useNow, useText } from '../../ui/hooks';
import { useNotify } from '../../ui/notify';
import { useCall } from '../../ui/useCall';
import { useCameras } from '../cameras';
import { useOperators } from '../operators';
import { useSystem } from '../system';
import { CallCard, type CallOutcome } from './CallCard';
import { mmss } from './shared';
import { usePlaybooks } from './store';

const STATUS_COLOUR: Record<StepState['status'], 'success' | 'warning' | 'info' | 'default'> = {
  done: 'success',
  skipped: 'warning',
  current: 'info',
  pending: 'default',
  bypassed: 'default',
};

type StepExtra = Pick<MethodInput<'runs.step'>, 'reason' | 'guardId' | 'note'>;

/**
 * A playbook run as the incident's checklist: every step with who did it and when, the current one with its
 * actions, timers counting down and overdue steps in red. Keys on the focused checklist: Enter done, Y / N for
 * a decision, C call, X skip.
 */
export function RunChecklist({ run, alarm }: { run: RunView; alarm: AlarmView | undefined }) {
  const { t } = useTranslation();
  const client = useClient();
  const playbooks = usePlaybooks();
  const cameras = useCameras();
  const site = useStore(useSystem().site);
  const operator = useStore(useOperators().operator);
  const directory = useStore(playbooks.directory);
  const text = useText();
  const notify = useNotify();
  const call = useCall('notice');
  const now = useNow(1000);
  const [skipping, setSkipping] = useState(false);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [guard, setGuard] = useState('');
  const [calling, setCalling] = useState(false);
  const state = runState(run.definition, run.records, run.startedAt, now);
  const current = run.definition.steps.find((s) => s.id === state.currentStepId);
  // A dispatch step offers the nearest guards first, free ones first, with distance and walking time.
  const [nearest, setNearest] = useState<MethodOutput<'guards.suggest'>['candidates']>([]);
  const dispatchStep = current?.kind === 'dispatch' ? current.id : null;
  useEffect(() => {
    if (!dispatchStep) return;
    let live = true;
    void client.invoke('guards.suggest', { alarmId: run.alarmId }).then((r) => {
      if (live && r.ok) setNearest(r.value.candidates);
    });
    return () => {
      live = false;
    };
  }, [client, run.alarmId, dispatchStep]);
  const guardOptions = [
    ...nearest.flatMap((c) => {
      const g = site?.guards.find((x) => x.id === c.guardId);
      return g
        ? [
            {
              value: g.id,
              testId: 'guard-option',
              label:
                `${text(g.name)} · ${t('siteMap.dispatch.distance', { m: Math.round(c.distanceM) })} · ` +
                `${t('siteMap.dispatch.eta', { min: Math.max(1, Math.round(c.etaSec / 60)) })}` +
                (c.available ? '' : ` · ${t(`siteMap.status.${c.status}`)}`),
            },
          ]
        : [];
    }),
    ...(site?.guards ?? [])
      .filter((g) => !nearest.some((c) => c.guardId === g.id))
      .map((g) => ({ value: g.id, testId: 'guard-option', label: text(g.name) })),
  ];

  const record = async (outcome: StepOutcome, extra: StepExtra = {}) => {
    if (!current) return false;
    const done = await call.succeeds(() =>
      playbooks.step({ runId: run.id, stepId: current.id, outcome, ...extra }),
    );
    if (done) {
      setNote('');
      setGuard('');
    }
    return done;
  };

  const contactOf = (step: PlaybookStep | undefined) => {
    if (!step || (step.kind !== 'call' && step.kind !== 'notify') || !directory) return undefined;
    return (
      (step.contactId ? directory.contacts.find((c) => c.id === step.contactId) : undefined) ??
      (step.contactKind ? directory.contacts.find((c) => c.kind === step.contactKind) : undefined)
    );
  };
  const scriptOf = (step: PlaybookStep | undefined) => {
    if (!step || (step.kind !== 'call' && step.kind !== 'notify') || !step.script) return undefined;
    const zone = site?.zones.find((z) => z.id === alarm?.zone);
    return fillScript(text(step.script), {
      site: text(site?.name),
      address: text(site?.address),
      zone: zone ? text(zone.name) : (alarm?.zone ?? '____'),
      alarm: alarm ? t(`alarmType.${alarm.type}`) : '',
      time: alarm ? formatClock(alarm.receivedAt, false) : formatClock(run.startedAt, false),
      operator: operator?.name ?? '',
      callback: directory?.phone.callbackNumber || '____',
    });
  };

  const onCallRecorded = async (outcome: CallOutcome, callNote: string, startedAt: number) => {
    const contact = contactOf(current);
    if (!contact) return;
    const logged = await call.succeeds(() =>
      playbooks.recordCall({
        contactId: contact.id,
        runId: run.id,
        startedAt,
        endedAt: Math.max(Date.now(), startedAt),
        outcome,
        ...(callNote ? { note: callNote } : {}),
      }),
    );
    setCalling(false);
    // A call answered completes the step; otherwise the operator decides (call again, or skip with a reason).
    if (logged && outcome === 'connected')
      await record('done', {
        note: `${contact.number} ${t(`playbooks.callCard.${outcome}`)}${callNote ? ` — ${callNote}` : ''}`,
      });
  };

  // The pictures come from the cameras feature: whichever tile shows the camera now.
  const snapshot = async () => {
    let saved = 0;
    for (const cameraId of alarm?.cameras ?? []) {
      const png = cameras.capture(cameraId);
      if (png && (await call.succeeds(() => playbooks.snapshot(run.id, cameraId, png)))) saved++;
    }
    notify({
      level: saved ? 'info' : 'error',
      code: 'playbooks',
      message: t('playbooks.snapshotSaved', { n: saved }),
    });
  };

  const onKey = (e: KeyboardEvent) => {
    if (!current || (e.target as HTMLElement).closest('input, textarea')) return;
    const k = e.key.toLowerCase();
    if (current.kind === 'decision' && (k === 'y' || k === 'n')) void record(k === 'y' ? 'yes' : 'no');
    else if (k === 'enter' && current.kind !== 'decision' && current.kind !== 'dispatch') void record('done');
    else if (k === 'c' && (current.kind === 'call' || current.kind === 'notify')) setCalling(true);
    else if (k === 'x' && current.kind !== 'decision') setSkipping(true);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <Box
      data-testid="playbook-run"
      data-run-id={run.id}
      data-finished={state.finished}
      tabIndex={0}
      onKeyDown={onKey}
      sx={{ display: 'flex', flexDirection: 'column', gap: 0.75, outline: 'none' }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        {run.drill && <Chip color="warning" label={t('playbooks.drillBadge')} sx={{ fontWeight: 800 }} />}
        <Typography sx={{ fontWeight: 800, fontSize: '1.1rem', flex: 1 }}>
          {text(run.definition.title)}{' '}
          <Typography component="span" color="text.secondary">
            {t('playbooks.version', { v: run.version })} · {formatClock(run.startedAt)} {run.startedBy}
          </Typography>
        </Typography>
        {state.finished && (
          <Chip color="success" label={t('playbooks.finished')} data-testid="playbook-finished" />
        )}
      </Box>
      <Box
        component="ol"
        sx={{ m: 0, pl: 0, listStyle: 'none', display: 'flex', flexDirection: 'column', gap: 0.5 }}
      >
        {run.definition.steps.map((step, i) => {
          const s = state.steps[i]!;
          const isCurrent = s.status === 'current';
          const red = s.overdue || s.late;
          return (
            <Box
              component="li"
              key={step.id}
              data-testid="playbook-step"
              data-step-id={step.id}
              data-status={s.status}
              data-overdue={s.overdue}
              sx={{
                border: 2,
                borderColor: s.overdue ? 'error.main' : isCurrent ? 'info.main' : 'divider',
                borderRadius: 1,
                px: 1,
                py: 0.5,
                opacity: s.status === 'bypassed' ? 0.45 : 1,
                bgcolor: s.overdue ? 'rgba(244,67,54,0.12)' : isCurrent ? 'rgba(41,182,246,0.08)' : undefined,
                animation: s.overdue ? 'pulse 1.2s ease-in-out infinite' : undefined,
                '@keyframes pulse': { '50%': { borderColor: 'transparent' } },
              }}
            >
              <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                <Typography sx={{ fontWeight: 800, minWidth: 22 }}>{i + 1}.</Typography>
                <Chip size="small" variant="outlined" label={t(`playbooks.kind.${step.kind}`)} />
                <Typography
                  sx={{
                    flex: 1,
                    fontWeight: isCurrent ? 800 : 500,
                    fontSize: isCurrent ? '1.05rem' : undefined,
                  }}
                >
                  {text(step.title)}
                </Typography>
                {s.dueAt !== undefined && (isCurrent || s.status === 'pending') && (
                  <Typography
                    variant="body2"
                    data-testid="step-timer"
                    sx={{ color: red ? 'error.main' : 'text.secondary', fontWeight: red ? 800 : 400 }}
                  >
                    {now > s.dueAt
                      ? t('playbooks.overdue', { t: mmss(now - s.dueAt) })
                      : t('playbooks.remaining', { t: mmss(s.dueAt - now) })}
                  </Typography>
                )}
                <Chip
                  size="small"
                  color={STATUS_COLOUR[s.status]}
                  label={t(`playbooks.status.${s.status}`)}
                />
              </Box>
              {step.detail && isCurrent && (
                <Typography variant="body2" color="text.secondary" sx={{ pl: 4 }}>
                  {text(step.detail)}
                </Typography>
              )}
              {s.record && (
                <Typography
                  variant="body2"
                  color={s.status === 'skipped' || red ? 'warning.main' : 'text.secondary'}
                  sx={{ pl: 4 }}
                >
                  {s.record.outcome === 'yes' || s.record.outcome === 'no'
                    ? `${t(`playbooks.${s.record.outcome}`)} · `
                    : ''}
                  {t('playbooks.by', { who: s.record.operatorName, time: formatClock(s.record.at) })}
                  {run.records.find((r) => r.stepId === step.id)?.guardId
                    ? ` → ${text(site?.guards.find((g) => g.id === run.records.find((r) => r.stepId === step.id)?.guardId)?.name)}`
                    : ''}
                  {s.record.reason ? ` · ${t('playbooks.reason', { r: s.record.reason })}` : ''}
                  {s.record.note ? ` — ${s.record.note}` : ''}
                  {s.late
                    ? ` · ${t('playbooks.overdue', { t: mmss(s.record.at - (s.dueAt ?? s.record.at)) })}`
                    : ''}
                </Typography>
              )}
              {isCurrent && (
                <Box
                  sx={{ display: 'flex', gap: 0.75, flexWrap: 'wrap', alignItems: 'center', pl: 4, pt: 0.5 }}
                >
                  {step.kind === 'decision' ? (
                    <>
                      <Button
                        variant="contained"
                        color="error"
                        onClick={() => void record('yes')}
                        data-testid="step-yes"
                      >
                        {t('playbooks.yes')} (Y)
                      </Button>
                      <Button variant="contained" onClick={() => void record('no')} data-testid="step-no">
                        {t('playbooks.no')} (N)
                      </Button>
                    </>
                  ) : (
                    <>
                      {(step.kind === 'call' || step.kind === 'notify') && (
                        <Button
                          variant="contained"
                          color="error"
                          onClick={() => setCalling(true)}
                          data-testid="step-call"
                        >
                          {t('playbooks.call')} {contactOf(step)?.number ?? ''} (C)
                        </Button>
                      )}
                      {step.kind === 'dispatch' && (
                        <>
                          <SelectInput
                            label={t('playbooks.pickGuard')}
                            value={guard}
                            onChange={setGuard}
                            sx={{ minWidth: 160 }}
                            displayTestId="step-guard"
                            options={guardOptions}
                          />
                          <Button
                            variant="contained"
                            disabled={!guard}
                            onClick={() => void record('done', { guardId: guard })}
                            data-testid="step-dispatch"
                          >
                            {t('playbooks.dispatch')}
                          </Button>
                        </>
                      )}
                      {step.kind === 'camera' && (alarm?.cameras.length ?? 0) > 0 && (
                        <Button
                          variant="outlined"
                          onClick={() => void snapshot()}
                          data-testid="step-snapshot"
                        >
                          {t('playbooks.snapshot')}
                        </Button>
                      )}
                      {step.kind === 'note' && (
                        <TextInput
                          label={t('playbooks.noteRequired')}
                          value={note}
                          onChange={setNote}
                          sx={{ flex: 1, minWidth: 180 }}
                          testId="step-note"
                        />
                      )}
                      {step.kind !== 'dispatch' && (
                        <Button
                          variant={step.kind === 'call' || step.kind === 'notify' ? 'outlined' : 'contained'}
                          onClick={() => void record('done', note.trim() ? { note: note.trim() } : {})}
                          data-testid="step-done"
                        >
                          {t('playbooks.done')} (Enter)
                        </Button>
                      )}
                      <Button color="warning" onClick={() => setSkipping(true)} data-testid="step-skip">
                        {t('playbooks.skip')} (X)
                      </Button>
                    </>
                  )}
                </Box>
              )}
            </Box>
          );
        })}
      </Box>
      {run.calls.length > 0 && (
        <Box data-testid="run-calls">
          {run.calls.map((c) => (
            <Typography key={c.id} variant="body2" color="text.secondary">
              ☎ {formatClock(c.startedAt)} {c.name} {c.number} · {t(`playbooks.callCard.${c.outcome}`)} ·{' '}
              {mmss(c.endedAt - c.startedAt)} · {c.operatorName}
              {c.simulated ? ` · ${t('playbooks.simulated')}` : ''}
            </Typography>
          ))}
        </Box>
      )}
      {calling && (
        <CallCard
          open
          contact={contactOf(current)}
          script={scriptOf(current)}
          phone={directory?.phone}
          simulated={run.drill}
          onClose={() => setCalling(false)}
          onRecord={(o, n, at) => void onCallRecorded(o, n, at)}
        />
      )}
      <FormDialog
        open={skipping}
        onClose={() => setSkipping(false)}
        maxWidth="xs"
        testId="skip-dialog"
        title={t('playbooks.skipTitle')}
        canSubmit={reason.trim().length >= 2}
        submitLabel={t('playbooks.skip')}
        submitColor="warning"
        submitTestId="skip-submit"
        onSubmit={async () => {
          await record('skipped', { reason: reason.trim() });
          setSkipping(false);
          setReason('');
        }}
      >
        <TextInput
          autoFocus
          fullWidth
          label={t('playbooks.skipReason')}
          value={reason}
          onChange={setReason}
          testId="skip-reason"
        />
      </FormDialog>
    </Box>
  );
}
