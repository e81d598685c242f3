import { Alert, Box, Button, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlaybookSummary } from '../../../shared/contract';
import { validatePlaybook } from '../../../shared/domain/playbook';
import { useClient } from '../../api/client';
import { type DialogHandle, ToolDialog } from '../../ui/dialogs';
import { dayStamp } from '../../ui/download';
import { SelectInput, TextInput } from '../../ui/fields';
import { formatClock, useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { useHasRole } from '../operators';
import { usePlaybookList, usePlaybooks } from './store';

/**
 * Playbook management: read any version; a supervisor edits the definition (JSON, checked as typed with the
 * path of every error) and saves it as a new version. Runs already started keep the version they began with.
 */
export function PlaybookEditor(props: DialogHandle) {
  const { t } = useTranslation();
  const client = useClient();
  const store = usePlaybooks();
  const { open } = props;
  const list = usePlaybookList(open);
  const text = useText();
  const { run } = useCall('notice');
  const [id, setId] = useState('fire');
  const [versions, setVersions] = useState<PlaybookSummary[]>([]);
  const [source, setSource] = useState('');
  const [saved, setSaved] = useState<number | null>(null);
  const supervisor = useHasRole('supervisor');

  useEffect(() => {
    if (!open || !id) return;
    void client.invoke('playbooks.get', { id }).then((r) => {
      if (!r.ok) return;
      setSource(JSON.stringify(r.value.definition, null, 2));
      setVersions(r.value.versions);
      setSaved(null);
    });
  }, [client, open, id]);

  let problems: string[] = [];
  try {
    const v = validatePlaybook(JSON.parse(source || '{}'));
    if (!v.ok) problems = v.errors.map((e) => `${e.path}: ${e.message}`);
  } catch (err) {
    problems = [t('playbooks.editor.notJson', { m: (err as Error).message })];
  }

  const save = async () => {
    const r = await run(() => store.savePlaybook(JSON.parse(source) as never));
    if (!r) return;
    setSaved(r.version);
    // The reply is the new version: it heads the history (newest first) without asking again.
    const { definition: _definition, ...summary } = r;
    setVersions((prev) =>
      r.id === id ? [summary, ...prev.filter((v) => v.versionId !== r.versionId)] : [summary],
    );
  };

  return (
    <ToolDialog
      {...props}
      testId="playbook-editor"
      title={t('playbooks.editor.title')}
      actions={
        <Button
          variant="contained"
          disabled={!supervisor || problems.length > 0}
          onClick={() => void save()}
          data-testid="playbook-save"
        >
          {t('playbooks.editor.save')}
        </Button>
      }
    >
      {!supervisor && <Alert severity="info">{t('playbooks.editor.supervisorOnly')}</Alert>}
      <SelectInput
        value={id}
        onChange={setId}
        sx={{ mt: 1 }}
        options={list.map((p) => ({ value: p.id, label: `${text(p.title)} · v${p.version}` }))}
      />
      <Typography variant="body2" color="text.secondary">
        {t('playbooks.editor.history')}:{' '}
        {versions
          .map(
            (v) => `v${v.version} ${dayStamp(v.createdAt)} ${formatClock(v.createdAt, false)} ${v.createdBy}`,
          )
          .join(' · ')}
      </Typography>
      <TextInput
        size="medium"
        multiline
        minRows={14}
        maxRows={24}
        label={t('playbooks.editor.definition')}
        value={source}
        onChange={setSource}
        testId="playbook-source"
        htmlInput={{
          readOnly: !supervisor,
          spellCheck: false,
          style: { fontFamily: 'monospace', fontSize: 13 },
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
    </ToolDialog>
  );
}
