import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlaybookSummary } from '../../../shared/contract';
import { validatePlaybook } from '../../../shared/domain/playbook';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { formatClock, useText } from '../../ui/hooks';
import { useAlarmActions } from '../alarms/useAlarmActions';

/**
 * Playbook management: read any version; a supervisor edits the definition (JSON, checked as typed with the
 * path of every error) and saves it as a new version. Runs already started keep the version they began with.
 */
export function PlaybookEditor({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const model = useConsole();
  const operator = useStore(model.operator);
  const text = useText();
  const act = useAlarmActions();
  const [list, setList] = useState<PlaybookSummary[]>([]);
  const [id, setId] = useState('fire');
  const [versions, setVersions] = useState<PlaybookSummary[]>([]);
  const [source, setSource] = useState('');
  const [saved, setSaved] = useState<number | null>(null);
  const supervisor = operator?.role === 'supervisor' || operator?.role === 'admin';

  useEffect(() => {
    if (open) void model.client.invoke('playbooks.list', {}).then((r) => r.ok && setList(r.value.playbooks));
  }, [model, open]);
  useEffect(() => {
    if (!open || !id) return;
    void model.client.invoke('playbooks.get', { id }).then((r) => {
      if (!r.ok) return;
      setSource(JSON.stringify(r.value.definition, null, 2));
      setVersions(r.value.versions);
      setSaved(null);
    });
  }, [model, open, id]);

  let problems: string[] = [];
  try {
    const v = validatePlaybook(JSON.parse(source || '{}'));
    if (!v.ok) problems = v.errors.map((e) => `${e.path}: ${e.message}`);
  } catch (err) {
    problems = [t('playbooks.editor.notJson', { m: (err as Error).message })];
  }

  const save = async () => {
    const r = await act(() =>
      model.client.invoke('playbooks.save', { definition: JSON.parse(source) as never }),
    );
    if (r) {
      setSaved(r.version);
      void model.client
        .invoke('playbooks.get', { id: r.id })
        .then((g) => g.ok && setVersions(g.value.versions));
    }
  };

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="md" data-testid="playbook-editor">
      <DialogTitle>{t('playbooks.editor.title')}</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
        {!supervisor && <Alert severity="info">{t('playbooks.editor.supervisorOnly')}</Alert>}
        <TextField select size="small" value={id} onChange={(e) => setId(e.target.value)} sx={{ mt: 1 }}>
          {list.map((p) => (
            <MenuItem key={p.id} value={p.id}>
              {text(p.title)} · v{p.version}
            </MenuItem>
          ))}
        </TextField>
        <Typography variant="body2" color="text.secondary">
          {t('playbooks.editor.history')}:{' '}
          {versions
            .map(
              (v) =>
                `v${v.version} ${new Date(v.createdAt).toLocaleDateString('sv-SE')} ${formatClock(v.createdAt, false)} ${v.createdBy}`,
            )
            .join(' · ')}
        </Typography>
        <TextField
          multiline
          minRows={14}
          maxRows={24}
          label={t('playbooks.editor.definition')}
          value={source}
          onChange={(e) => setSource(e.target.value)}
          slotProps={{
            htmlInput: {
              'data-testid': 'playbook-source',
              readOnly: !supervisor,
              spellCheck: false,
              style: { fontFamily: 'monospace', fontSize: 13 },
            },
          }}
        />
        <Box data-testid="playbook-problems">
          {problems.length === 0 ? (
            <Alert severity="success">
              {saved ? t('playbooks.editor.saved', { v: saved }) : t('playbooks.editor.valid')}
            </Alert>
          ) : (
            problems.slice(0, 8).map((p) => (
              <Alert key={p} severity="error" sx={{ mb: 0.5 }}>
                {p}
              </Alert>
            ))
          )}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('playbooks.close')}</Button>
        <Button
          variant="contained"
          disabled={!supervisor || problems.length > 0}
          onClick={() => void save()}
          data-testid="playbook-save"
        >
          {t('playbooks.editor.save')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
