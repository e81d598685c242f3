import { Box, Button, Chip, Divider, MenuItem, TextField, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmView, PlaybookSummary, RunView } from '../../../shared/contract';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { useLocale, useText } from '../../ui/hooks';
import { useAlarmActions } from '../alarms/useAlarmActions';
import { RunChecklist } from './RunChecklist';
import { downloadPdf, notify } from './shared';

/**
 * The playbook part of the incident panel for an opened alarm: the playbook suggested for its type (or any
 * other), started with one click (Alt+P), then the checklist; and the incident report as PDF.
 */
export function IncidentPlaybooks({ alarmId }: { alarmId: string }) {
  const { t } = useTranslation();
  const model = useConsole();
  const text = useText();
  const locale = useLocale();
  const act = useAlarmActions();
  const live = useStore(model.alarms)[alarmId];
  const [fetched, setFetched] = useState<AlarmView | undefined>(undefined);
  const alarm = live ?? fetched;
  const [data, setData] = useState<{ suggested: PlaybookSummary[]; runs: RunView[] } | null>(null);
  const [all, setAll] = useState<PlaybookSummary[]>([]);
  const [choice, setChoice] = useState('');

  // A resolved alarm is no longer in the open-alarm store: read it once.
  const isLive = Boolean(live);
  useEffect(() => {
    if (isLive) return;
    void model.client.invoke('alarms.get', { id: alarmId }).then((r) => {
      if (r.ok) setFetched(r.value.alarm);
    });
  }, [model, alarmId, isLive]);

  const load = useCallback(() => {
    void model.client.invoke('runs.forAlarm', { alarmId }).then((r) => {
      if (r.ok) {
        setData(r.value);
        setChoice((prev) => prev || r.value.suggested[0]?.id || '');
      }
    });
  }, [model, alarmId]);

  useEffect(() => {
    load();
    void model.client.invoke('playbooks.list', {}).then((r) => r.ok && setAll(r.value.playbooks));
  }, [model, load]);

  const incidentId = alarm?.incidentId;
  useEffect(
    () =>
      model.client.on('runs.changed', ({ run }) => {
        if (run.alarmId === alarmId || (incidentId && run.incidentId === incidentId))
          setData((prev) =>
            prev
              ? {
                  ...prev,
                  runs: prev.runs.some((r) => r.id === run.id)
                    ? prev.runs.map((r) => (r.id === run.id ? run : r))
                    : [...prev.runs, run],
                }
              : prev,
          );
      }),
    [model, alarmId, incidentId],
  );

  const start = useCallback(async () => {
    if (!choice) return;
    const run = await act(() => model.client.invoke('runs.start', { alarmId, playbookId: choice }));
    if (run)
      setData((prev) =>
        prev ? { ...prev, runs: [...prev.runs.filter((r) => r.id !== run.id), run] } : prev,
      );
  }, [act, model, alarmId, choice]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.key.toLowerCase() === 'p' && data && data.runs.length === 0) {
        e.preventDefault();
        void start();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [data, start]);

  const report = async () => {
    if (!incidentId) return;
    const r = await act(() => model.client.invoke('reports.incident', { incidentId, locale }));
    if (!r) return;
    downloadPdf(r.pdf, r.name);
    notify(model, 'info', t('playbooks.reportSaved', { file: r.file }));
  };

  if (!data) return null;
  const suggested = data.suggested[0];
  const hasRunning = data.runs.some((r) => !r.finishedAt);
  return (
    <Box
      data-testid="incident-playbooks"
      sx={{ px: 1.5, pt: 1, display: 'flex', flexDirection: 'column', gap: 1 }}
    >
      {alarm?.drill && (
        <Chip
          color="warning"
          label={t('playbooks.drillBadge')}
          data-testid="incident-drill"
          sx={{ fontWeight: 900, alignSelf: 'flex-start' }}
        />
      )}
      {!hasRunning && (
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
          <Typography variant="subtitle2" sx={{ mr: 0.5 }}>
            {suggested ? `${t('playbooks.suggested')}:` : t('playbooks.noSuggestion')}
          </Typography>
          {suggested && (
            <Typography
              data-testid="playbook-suggested"
              data-playbook-id={suggested.id}
              sx={{ fontWeight: 800 }}
            >
              {text(suggested.title)}
            </Typography>
          )}
          <TextField
            select
            size="small"
            label={t('playbooks.choose')}
            value={choice}
            onChange={(e) => setChoice(e.target.value)}
            sx={{ minWidth: 170 }}
          >
            {all.map((p) => (
              <MenuItem key={p.id} value={p.id}>
                {text(p.title)}
              </MenuItem>
            ))}
          </TextField>
          <Button
            variant="contained"
            color="error"
            disabled={!choice}
            onClick={() => void start()}
            data-testid="playbook-start"
          >
            {t('playbooks.start')} (Alt+P)
          </Button>
        </Box>
      )}
      {data.runs.map((run) => (
        <RunChecklist key={run.id} run={run} alarm={alarm} />
      ))}
      {incidentId && (
        <Button
          size="small"
          variant="outlined"
          onClick={() => void report()}
          data-testid="incident-report"
          sx={{ alignSelf: 'flex-start' }}
        >
          {t('playbooks.exportReport')}
        </Button>
      )}
      <Divider />
    </Box>
  );
}
