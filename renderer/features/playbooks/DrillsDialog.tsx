import {
  Alert,
  Box,
  Button,
  Checkbox,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Divider,
  FormControlLabel,
  MenuItem,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CorrectiveAction, DrillView, PlaybookSummary } from '../../../shared/contract';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { formatClock, useLocale, useText } from '../../ui/hooks';
import { useAlarmActions } from '../alarms/useAlarmActions';
import { downloadPdf, notify } from './shared';

export const fmtDate = (at: number) =>
  `${new Date(at).toLocaleDateString('sv-SE')} ${formatClock(at, false)}`;

/** Drills, live: `drills.list` then `drills.changed`. */
export function useDrills(): DrillView[] {
  const model = useConsole();
  const [drills, setDrills] = useState<DrillView[]>([]);
  useEffect(() => {
    let live = true;
    void model.client.invoke('drills.list', {}).then((r) => live && r.ok && setDrills(r.value.drills));
    const off = model.client.on('drills.changed', ({ drills: d }) => setDrills(d));
    return () => {
      live = false;
      off();
    };
  }, [model]);
  return drills;
}

function ScheduleForm({ playbooks }: { playbooks: PlaybookSummary[] }) {
  const { t } = useTranslation();
  const model = useConsole();
  const site = useStore(model.site);
  const text = useText();
  const act = useAlarmActions();
  const [playbookId, setPlaybookId] = useState('fire');
  const [title, setTitle] = useState('');
  const [when, setWhen] = useState('');
  const [zone, setZone] = useState('');
  const [participants, setParticipants] = useState('');
  const [objectives, setObjectives] = useState('');
  const submit = async () => {
    const scheduledAt = new Date(when).getTime();
    const done = await act(() =>
      model.client.invoke('drills.schedule', {
        playbookId,
        title,
        scheduledAt,
        ...(zone ? { zone } : {}),
        participants: participants
          .split(/[,，、]/)
          .map((p) => p.trim())
          .filter(Boolean),
        objectives,
      }),
    );
    if (done) {
      setTitle('');
      setParticipants('');
      setObjectives('');
    }
  };
  return (
    <Box
      component="form"
      data-testid="drill-schedule"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 1, pt: 1 }}
    >
      <TextField
        select
        size="small"
        label={t('playbooks.drills.playbook')}
        value={playbookId}
        onChange={(e) => setPlaybookId(e.target.value)}
      >
        {playbooks.map((p) => (
          <MenuItem key={p.id} value={p.id}>
            {text(p.title)}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        size="small"
        label={t('playbooks.drills.titleField')}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        slotProps={{ htmlInput: { 'data-testid': 'drill-title' } }}
      />
      <TextField
        size="small"
        type="datetime-local"
        label={t('playbooks.drills.when')}
        value={when}
        onChange={(e) => setWhen(e.target.value)}
        slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'drill-when' } }}
      />
      <TextField
        select
        size="small"
        label={t('playbooks.drills.zone')}
        value={zone}
        onChange={(e) => setZone(e.target.value)}
      >
        <MenuItem value="">—</MenuItem>
        {(site?.zones ?? []).map((z) => (
          <MenuItem key={z.id} value={z.id}>
            {text(z.name)}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        size="small"
        label={t('playbooks.drills.participants')}
        value={participants}
        onChange={(e) => setParticipants(e.target.value)}
        slotProps={{ htmlInput: { 'data-testid': 'drill-participants' } }}
      />
      <TextField
        size="small"
        label={t('playbooks.drills.objectives')}
        value={objectives}
        onChange={(e) => setObjectives(e.target.value)}
        slotProps={{ htmlInput: { 'data-testid': 'drill-objectives' } }}
      />
      <Button
        type="submit"
        variant="contained"
        disabled={title.trim().length < 2 || !when}
        data-testid="drill-schedule-submit"
        sx={{ gridColumn: '1 / -1' }}
      >
        {t('playbooks.drills.schedule')}
      </Button>
    </Box>
  );
}

function FinishForm({ drill, onDone }: { drill: DrillView; onDone(): void }) {
  const { t } = useTranslation();
  const model = useConsole();
  const act = useAlarmActions();
  const [observations, setObservations] = useState('');
  const [actions, setActions] = useState<CorrectiveAction[]>([]);
  const set = (i: number, patch: Partial<CorrectiveAction>) =>
    setActions((prev) => prev.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <TextField
        multiline
        minRows={2}
        size="small"
        label={t('playbooks.drills.observations')}
        value={observations}
        onChange={(e) => setObservations(e.target.value)}
        slotProps={{ htmlInput: { 'data-testid': 'drill-observations' } }}
      />
      <Typography variant="subtitle2">{t('playbooks.drills.actions')}</Typography>
      {actions.map((a, i) => (
        <Box key={i} sx={{ display: 'grid', gridTemplateColumns: '2fr 1fr 1fr', gap: 1 }}>
          <TextField
            size="small"
            label={t('playbooks.drills.action')}
            value={a.action}
            onChange={(e) => set(i, { action: e.target.value })}
            slotProps={{ htmlInput: { 'data-testid': 'action-text' } }}
          />
          <TextField
            size="small"
            label={t('playbooks.drills.owner')}
            value={a.owner}
            onChange={(e) => set(i, { owner: e.target.value })}
            slotProps={{ htmlInput: { 'data-testid': 'action-owner' } }}
          />
          <TextField
            size="small"
            type="date"
            label={t('playbooks.drills.due')}
            value={a.due}
            onChange={(e) => set(i, { due: e.target.value })}
            slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'action-due' } }}
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
            void act(() =>
              model.client.invoke('drills.finish', {
                drillId: drill.id,
                observations,
                correctiveActions: actions,
              }),
            ).then((r) => r && onDone())
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
  const model = useConsole();
  const text = useText();
  const locale = useLocale();
  const act = useAlarmActions();
  const [extra, setExtra] = useState('');
  // The box follows the click at once; the stored roll-call confirms it (or puts it back on a refusal).
  const [marked, setMarked] = useState<Record<string, boolean>>({});
  const mark = async (participant: string, present: boolean) => {
    setMarked((m) => ({ ...m, [participant]: present }));
    const r = await act(() =>
      model.client.invoke('drills.rollCall', { drillId: drill.id, participant, present }),
    );
    if (!r)
      setMarked((m) => {
        const { [participant]: _dropped, ...rest } = m;
        return rest;
      });
  };
  const pb = playbooks.find((p) => p.id === drill.playbookId);
  const people = [...new Set([...drill.participants, ...Object.keys(drill.rollCall)])];
  const report = async () => {
    const r = await act(() => model.client.invoke('reports.drill', { drillId: drill.id, locale }));
    if (!r) return;
    downloadPdf(r.pdf, r.name);
    notify(model, 'info', t('playbooks.reportSaved', { file: r.file }));
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
              void act(() => model.client.invoke('drills.start', { drillId: drill.id })).then((d) => {
                if (d?.alarmId) {
                  model.selectedAlarm.set(d.alarmId);
                  onClose();
                }
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
              <FormControlLabel
                key={p}
                label={p}
                control={
                  <Checkbox
                    checked={marked[p] ?? drill.rollCall[p] ?? false}
                    slotProps={{ input: { 'data-testid': `rollcall-${p}` } as object }}
                    onChange={(e) => void mark(p, e.target.checked)}
                  />
                }
              />
            ))}
            <TextField
              size="small"
              label={t('playbooks.drills.addParticipant')}
              value={extra}
              onChange={(e) => setExtra(e.target.value)}
              sx={{ width: 140 }}
            />
            <Button
              size="small"
              disabled={!extra.trim()}
              onClick={() =>
                void act(() =>
                  model.client.invoke('drills.rollCall', {
                    drillId: drill.id,
                    participant: extra.trim(),
                    present: true,
                  }),
                ).then(() => setExtra(''))
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
              onClick={() => {
                model.selectedAlarm.set(drill.alarmId!);
                onClose();
              }}
            >
              {t('playbooks.drills.open')}
            </Button>
          )}
          <Divider />
          <FinishForm drill={drill} onDone={() => undefined} />
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
export function DrillsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const model = useConsole();
  const operator = useStore(model.operator);
  const drills = useDrills();
  const [playbooks, setPlaybooks] = useState<PlaybookSummary[]>([]);
  useEffect(() => {
    if (open)
      void model.client.invoke('playbooks.list', {}).then((r) => r.ok && setPlaybooks(r.value.playbooks));
  }, [model, open]);
  const supervisor = operator?.role === 'supervisor' || operator?.role === 'admin';
  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="md" data-testid="drills-dialog">
      <DialogTitle>{t('playbooks.drills.title')}</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
        {supervisor ? (
          <ScheduleForm playbooks={playbooks} />
        ) : (
          <Alert severity="info">{t('playbooks.drills.supervisorOnly')}</Alert>
        )}
        {drills.length === 0 && <Typography color="text.secondary">{t('playbooks.drills.none')}</Typography>}
        {drills.map((d) => (
          <DrillItem key={d.id} drill={d} playbooks={playbooks} onClose={onClose} />
        ))}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('playbooks.close')}</Button>
      </DialogActions>
    </Dialog>
  );
}
