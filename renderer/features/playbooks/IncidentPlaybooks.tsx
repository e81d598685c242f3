import { Box, Button, Chip, Divider, Typography } from '@mui/material';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { savePdf } from '../../ui/download';
import { SelectInput } from '../../ui/fields';
import { useLocale, useText } from '../../ui/hooks';
import { useNotify } from '../../ui/notify';
import { useCall } from '../../ui/useCall';
import { useAlarm } from '../alarms';
import { RunChecklist } from './RunChecklist';
import { usePlaybookList, usePlaybooks } from './store';

/**
 * The playbook part of the incident panel for an opened alarm: the playbook suggested for its type (or any
 * other), started with one click (Alt+P), then the checklist; and the incident report as PDF.
 */
export function IncidentPlaybooks({ alarmId }: { alarmId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const playbooks = usePlaybooks();
  const text = useText();
  const locale = useLocale();
  const notify = useNotify();
  const { run } = useCall('notice');
  const alarm = useAlarm(alarmId);
  const suggestions = useStore(playbooks.suggested)[alarmId];
  const allRuns = useStore(playbooks.runs);
  const all = usePlaybookList();
  const [picked, setChoice] = useState('');

  useEffect(() => {
    // Without them the panel shows no suggestion; the alarm itself is not held up.
    void playbooks.loadForAlarm(alarmId).catch(() => undefined);
  }, [playbooks, alarmId]);
  // The suggested playbook is chosen until the operator picks another.
  const choice = picked || suggestions?.[0]?.id || '';

  // The runs on this alarm's incident, live from the store (another console's steps arrive as runs.changed).
  const incidentId = alarm?.incidentId;
  const runs = useMemo(
    () =>
      Object.values(allRuns)
        .filter((r) => r.alarmId === alarmId || (incidentId && r.incidentId === incidentId))
        .sort((a, b) => a.startedAt - b.startedAt),
    [allRuns, alarmId, incidentId],
  );
  const data = useMemo(() => (suggestions ? { suggested: suggestions, runs } : null), [suggestions, runs]);

  const start = useCallback(async () => {
    if (choice) await run(() => playbooks.start(alarmId, choice));
  }, [run, playbooks, alarmId, choice]);

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
    const r = await run(() => client.call('reports.incident', { incidentId, locale }));
    if (!r) return;
    savePdf(r.name, r.pdf);
    notify({ level: 'info', code: 'playbooks', message: t('playbooks.reportSaved', { file: r.file }) });
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
          <SelectInput
            label={t('playbooks.choose')}
            value={choice}
            onChange={setChoice}
            sx={{ minWidth: 170 }}
            options={all.map((p) => ({ value: p.id, label: text(p.title) }))}
          />
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
