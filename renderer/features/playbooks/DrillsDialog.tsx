import { Alert, Box, Button, Chip, Divider, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CorrectiveAction, DrillView, PlaybookSummary } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { type DialogHandle, InlineForm, ToolDialog } from '../../ui/dialogs';
import { dayStamp, savePdf } from '../../ui/download';
import { CheckInput, SelectInput, TextInput } from '../../ui/fields';
import { formatClock, useLocale, useText } from '../../ui/hooks';
import { useForm } from '../../ui/form';
import { useNotify } from '../../ui/notify';
import { useCall } from '../../ui/useCall';
import { useAlarms } from '../alarms';
import { useHasRole } from '../operators';
import { ZoneSelect } from '../system';
import { DrillRules } from './DrillRules';
import { usePlaybookList, usePlaybooks } from './store';

export const fmtDate = (at: number) => `${dayStamp(at)} ${formatClock(at, false)}`;

function ScheduleForm({ playbooks }: { playbooks: PlaybookSummary[] }) {
  const { t } = useTranslation();
  const store = usePlaybooks();
  const text = useText();
  const { run } = useCall('notice');
  const form = useForm({
    playbookId: 'fire',
    title: '',
    when: '',
    zone: '',
    participants: '',
    objectives: '',
  });
  const submit = async () => {
    const { playbookId, title, when, zone, participants, objectives } = form.values;
    const done = await run(() =>
      store.scheduleDrill({
        playbookId,
        title,
        scheduledAt: new Date(when).getTime(),
        ...(zone ? { zone } : {}),
        participants: participants
          .split(/[,，、]/)
          .map((p) => p.trim())
          .filter(Boolean),
        objectives,
      }),
    );
    if (done) form.set((values) => ({ ...values, title: '', participants: '', objectives: '' }));
  };
  return (
    <InlineForm
      testId="drill-schedule"
      onSubmit={submit}
      columns="1fr 1fr"
      sx={{ pt: 1, alignItems: 'stretch' }}
    >
      <SelectInput
        label={t('playbooks.drills.playbook')}
        {...form.field('playbookId')}
        options={playbooks.map((p) => ({ value: p.id, label: text(p.title) }))}
      />
      <TextInput label={t('playbooks.drills.titleField')} {...form.field('title')} testId="drill-title" />
      <TextInput
        type="datetime-local"
        label={t('playbooks.drills.when')}
        {...form.field('when')}
        shrinkLabel
        testId="drill-when"
      />
      <ZoneSelect label={t('playbooks.drills.zone')} {...form.field('zone')} sx={{}} />
      <TextInput
        label={t('playbooks.drills.participants')}
        {...form.field('participants')}
        testId="drill-participants"
      />
      <TextInput
        label={t('playbooks.drills.objectives')}
        {...form.field('objectives')}
        testId="drill-objectives"
      />
      <Button
        type="submit"
        variant="contained"
        disabled={form.values.title.trim().length < 2 || !form.values.when}
        data-testid="drill-schedule-submit"
        sx={{ gridColumn: '1 / -1' }}
      >
        {t('playbooks.drills.schedule')}
      </Button>
    </InlineForm>
  );
}

function FinishForm({ drill }: { drill: DrillView }) {
  const { t } = useTranslation();
  const store = usePlaybooks();
  const { run } = useCall('notice');
  const [observations, setObservations] = useState('');
  const [actions, setActions] = useState<CorrectiveAction[]>([]);
  const set = (i: number, patch: Partial<CorrectiveAction>) =>
    setActions((prev) => prev.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <TextInput
        multiline
        minRows={2}
        label={t('playbooks.drills.observations')}
        value={observations}
        onChange={setObservations}
        testId="drill-observations"
      />
      <Typography variant="subtitle2">{t('playbooks.drills.actions')}</Typography>
      {actions.map((a, i) => (
        <Box key={i} sx={{ display: 'grid', gridTemplateColumns: '2fr 1fr 1fr', gap: 1 }}>
          <TextInput
            label={t('playbooks.drills.action')}
            value={a.action}
            onChange={(action) => set(i, { action })}
            testId="action-text"
          />
          <TextInput
            label={t('playbooks.drills.owner')}
            value={a.owner}
            onChange={(owner) => set(i, { owner })}
            testId="action-owner"
          />
          <TextInput
            type="date"
            label={t('playbooks.drills.due')}
            value={a.due}
            onChange={(due) => set(i, { due })}
            shrinkLabel
            testId="action-due"
          />
        </Box>
      ))}
      <Box sx={{ display: 'flex', gap: 1 }}>
        <Button
          size="small"
          onClick={() => setActions((p) => [...p, { action: '', owner: '', due: '' }])}
          data-testid="action-add"
        >
          {t('playbooks.drills.addAction')}
        </Button>
        <Box sx={{ flex: 1 }} />
        <Button
          variant="contained"
          color="warning"
          data-testid="drill-finish"
          onClick={() =>
            void run(() => store.finishDrill({ drillId: drill.id, observations, correctiveActions: actions }))
          }
        >
          {t('playbooks.drills.finish')}
        </Button>
      </Box>
    </Box>
  );
}

function DrillItem({
  drill,
  playbooks,
  onClose,
}: {
  drill: DrillView;
  playbooks: PlaybookSummary[];
  onClose(): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const store = usePlaybooks();
  const alarms = useAlarms();
  const text = useText();
  const locale = useLocale();
  const notify = useNotify();
  const { run, succeeds } = useCall('notice');
  const [extra, setExtra] = useState('');
  // The box follows the click at once; the stored roll-call confirms it (or puts it back on a refusal).
  const [marked, setMarked] = useState<Record<string, boolean>>({});
  const mark = async (participant: string, present: boolean) => {
    setMarked((m) => ({ ...m, [participant]: present }));
    if (!(await succeeds(() => store.rollCall(drill.id, participant, present))))
      setMarked((m) => {
        const { [participant]: _dropped, ...rest } = m;
        return rest;
      });
  };
  const open = (alarmId: string) => {
    alarms.select(alarmId);
    onClose();
  };
  const pb = playbooks.find((p) => p.id === drill.playbookId);
  const people = [...new Set([...drill.participants, ...Object.keys(drill.rollCall)])];
  const report = async () => {
    const r = await run(() => client.call('reports.drill', { drillId: drill.id, locale }));
    if (!r) return;
    savePdf(r.name, r.pdf);
    notify({ level: 'info', code: 'playbooks', message: t('playbooks.reportSaved', { file: r.file }) });
  };
  return (
    <Box
      data-testid="drill-row"
      data-drill-id={drill.id}
      data-state={drill.state}
      sx={{
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        p: 1,
        display: 'flex',
        flexDirection: 'column',
        gap: 1,
      }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Chip size="small" color="warning" label={t('playbooks.drillBadge')} />
        <Typography sx={{ fontWeight: 800, flex: 1 }}>
          {drill.title} · {pb ? text(pb.title) : drill.playbookId}
        </Typography>
        <Typography color="text.secondary">{fmtDate(drill.scheduledAt)}</Typography>
        <Chip
          size="small"
          label={t(`playbooks.drills.state.${drill.state}`)}
          color={drill.state === 'running' ? 'error' : 'default'}
        />
      </Box>
      {drill.objectives && (
        <Typography variant="body2" color="text.secondary">
          {drill.objectives}
        </Typography>
      )}
      {drill.state === 'scheduled' && (
        <Box sx={{ display: 'flex', gap: 1 }}>
          <Button
            variant="contained"
            color="warning"
            data-testid="drill-start"
            onClick={() =>
              void run(() => store.startDrill(drill.id)).then((d) => {
                if (d?.alarmId) open(d.alarmId);
              })
            }
          >
            {t('playbooks.drills.start')}
          </Button>
        </Box>
      )}
      {drill.state === 'running' && (
        <>
          <Typography variant="subtitle2">{t('playbooks.drills.rollCall')}</Typography>
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center' }}>
            {people.map((p) => (
              <CheckInput
                key={p}
                label={p}
                checked={marked[p] ?? drill.rollCall[p] ?? false}
                onChange={(present) => void mark(p, present)}
                inputTestId={`rollcall-${p}`}
              />
            ))}
            <TextInput
              label={t('playbooks.drills.addParticipant')}
              value={extra}
              onChange={setExtra}
              sx={{ width: 140 }}
            />
            <Button
              size="small"
              disabled={!extra.trim()}
              onClick={() =>
                void run(() => store.rollCall(drill.id, extra.trim(), true)).then(() => setExtra(''))
              }
            >
              +
            </Button>
          </Box>
          {drill.alarmId && (
            <Button
              size="small"
              sx={{ alignSelf: 'flex-start' }}
              data-testid="drill-open"
              onClick={() => open(drill.alarmId!)}
            >
              {t('playbooks.drills.open')}
            </Button>
          )}
          <Divider />
          <FinishForm drill={drill} />
        </>
      )}
      {drill.state === 'finished' && (
        <Button
          variant="outlined"
          sx={{ alignSelf: 'flex-start' }}
          onClick={() => void report()}
          data-testid="drill-report"
        >
          {t('playbooks.drills.report')}
        </Button>
      )}
    </Box>
  );
}

/** Drills: schedule (supervisor), start, roll-call, finish with findings, the after-action report. */
export function DrillsDialog(props: DialogHandle) {
  const { t } = useTranslation();
  const store = usePlaybooks();
  const drills = useStore(store.drills);
  const playbooks = usePlaybookList(props.open);
  const supervisor = useHasRole('supervisor');
  return (
    <ToolDialog
      {...props}
      testId="drills-dialog"
      title={t('playbooks.drills.title')}
      contentSx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}
    >
      {supervisor ? (
        <ScheduleForm playbooks={playbooks} />
      ) : (
        <Alert severity="info">{t('playbooks.drills.supervisorOnly')}</Alert>
      )}
      <DrillRules playbooks={playbooks} supervisor={supervisor} />
      <Divider />
      {drills.length === 0 && <Typography color="text.secondary">{t('playbooks.drills.none')}</Typography>}
      {drills.map((d) => (
        <DrillItem key={d.id} drill={d} playbooks={playbooks} onClose={props.onClose} />
      ))}
    </ToolDialog>
  );
}
