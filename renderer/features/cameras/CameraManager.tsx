import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogContent,
  DialogTitle,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraAdminView } from '../../../shared/contract';
import { pickText } from '../../../shared/domain/text';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { useText } from '../../ui/hooks';

interface Draft {
  id: string;
  zh: string;
  en: string;
  main: string;
  sub: string;
  transport: 'tcp' | 'udp';
  zone: string;
  isNew: boolean;
}

const empty: Draft = {
  id: '',
  zh: '',
  en: '',
  main: 'rtsp://',
  sub: '',
  transport: 'tcp',
  zone: '',
  isNew: true,
};

/** Supervisors add, edit and remove cameras; the core refuses everyone else and says why. */
export function CameraManager(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const model = useConsole();
  const site = useStore(model.site);
  const text = useText();
  const [cameras, setCameras] = useState<CameraAdminView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [test, setTest] = useState<{ ok: boolean; message: string } | 'running' | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!props.open) return undefined;
    let cancelled = false;
    void model.client.invoke('cameras.list', {}).then((r) => {
      if (cancelled) return;
      if (r.ok) {
        setCameras(r.value.cameras);
        setError(null);
      } else setError(r.error.message);
    });
    return () => {
      cancelled = true;
    };
  }, [props.open, model, version]);

  const edit = (c: CameraAdminView) =>
    setDraft({
      id: c.id,
      zh: pickText(c.name, 'zh-CN'),
      en: typeof c.name === 'string' ? '' : (c.name.en ?? ''),
      main: c.streams.main,
      sub: c.streams.sub ?? '',
      transport: c.transport,
      zone: c.zone ?? '',
      isNew: false,
    });

  const save = async () => {
    if (!draft) return;
    const r = await model.client.invoke('cameras.save', {
      id: draft.id.trim(),
      name: draft.en.trim() ? { 'zh-CN': draft.zh.trim(), en: draft.en.trim() } : draft.zh.trim(),
      streams: { main: draft.main.trim(), ...(draft.sub.trim() ? { sub: draft.sub.trim() } : {}) },
      transport: draft.transport,
      ...(draft.zone ? { zone: draft.zone } : {}),
    });
    if (!r.ok) return setError(r.error.message);
    setDraft(null);
    setTest(null);
    setVersion((v) => v + 1);
    model.notices.set((prev) => [
      ...prev,
      { level: 'info', code: 'camera', message: t('cameras.saved', { id: r.value.id }), at: Date.now() },
    ]);
    return undefined;
  };

  const remove = async (id: string) => {
    if (!window.confirm(t('cameras.removeConfirm', { id }))) return;
    const r = await model.client.invoke('cameras.remove', { id });
    if (!r.ok) setError(r.error.message);
    setVersion((v) => v + 1);
  };

  const runTest = async () => {
    if (!draft) return;
    setTest('running');
    const r = await model.client.invoke('cameras.test', {
      url: draft.main.trim(),
      transport: draft.transport,
      ...(draft.isNew ? {} : { cameraId: draft.id }),
    });
    setTest(r.ok ? r.value : { ok: false, message: r.error.message });
  };

  const field = (key: keyof Draft, label: string, extra: object = {}) => (
    <TextField
      size="small"
      label={label}
      value={draft?.[key] ?? ''}
      onChange={(e) => setDraft((d) => (d ? { ...d, [key]: e.target.value } : d))}
      {...extra}
    />
  );

  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="md" data-testid="camera-manager">
      <DialogTitle>{t('cameras.manageTitle')}</DialogTitle>
      <DialogContent>
        {error && (
          <Alert severity="error" sx={{ mb: 1 }} data-testid="camera-manager-error">
            {error}
          </Alert>
        )}
        {draft ? (
          <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, pt: 1 }}>
            {field('id', t('cameras.fieldId'), { disabled: !draft.isNew })}
            <Box sx={{ display: 'flex', gap: 1 }}>
              {field('zh', t('cameras.fieldNameZh'), { sx: { flex: 1 } })}
              {field('en', t('cameras.fieldNameEn'), { sx: { flex: 1 } })}
            </Box>
            {field('main', t('cameras.fieldMain'))}
            {field('sub', t('cameras.fieldSub'))}
            <Typography variant="caption" color="text.secondary">
              {t('cameras.credentialsKept')}
            </Typography>
            <Box sx={{ display: 'flex', gap: 1 }}>
              <TextField
                select
                size="small"
                label={t('cameras.fieldTransport')}
                value={draft.transport}
                onChange={(e) => setDraft({ ...draft, transport: e.target.value as 'tcp' | 'udp' })}
                sx={{ flex: 1 }}
              >
                <MenuItem value="tcp">TCP</MenuItem>
                <MenuItem value="udp">UDP</MenuItem>
              </TextField>
              <TextField
                select
                size="small"
                label={t('cameras.zone')}
                value={draft.zone}
                onChange={(e) => setDraft({ ...draft, zone: e.target.value })}
                sx={{ flex: 1 }}
              >
                <MenuItem value="">—</MenuItem>
                {(site?.zones ?? []).map((z) => (
                  <MenuItem key={z.id} value={z.id}>
                    {text(z.name)}
                  </MenuItem>
                ))}
              </TextField>
            </Box>
            {test && (
              <Alert
                data-testid="camera-test-result"
                severity={test === 'running' ? 'info' : test.ok ? 'success' : 'error'}
              >
                {test === 'running'
                  ? t('cameras.testing')
                  : t(test.ok ? 'cameras.testOk' : 'cameras.testFailed', { message: test.message })}
              </Alert>
            )}
            <Box sx={{ display: 'flex', gap: 1, justifyContent: 'flex-end' }}>
              <Button onClick={() => (setDraft(null), setTest(null))}>{t('alarms.cancel')}</Button>
              <Button
                variant="outlined"
                onClick={() => void runTest()}
                disabled={test === 'running'}
                data-testid="camera-test"
              >
                {t('cameras.test')}
              </Button>
              <Button variant="contained" onClick={() => void save()} data-testid="camera-save">
                {t('cameras.save')}
              </Button>
            </Box>
          </Box>
        ) : (
          <>
            <Table size="small">
              <TableBody>
                {cameras.map((c) => (
                  <TableRow key={c.id} data-testid="camera-admin-row">
                    <TableCell>{c.id}</TableCell>
                    <TableCell>{text(c.name)}</TableCell>
                    <TableCell sx={{ fontFamily: 'monospace', fontSize: '0.8rem' }}>
                      {c.streams.main}
                    </TableCell>
                    <TableCell>
                      {t(c.origin === 'site' ? 'cameras.originSite' : 'cameras.originConsole')}
                    </TableCell>
                    <TableCell align="right">
                      <Button size="small" onClick={() => edit(c)}>
                        {t('cameras.edit')}
                      </Button>
                      <Button size="small" color="error" onClick={() => void remove(c.id)}>
                        {t('cameras.remove')}
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Button
              sx={{ mt: 1 }}
              variant="outlined"
              onClick={() => (setDraft(empty), setTest(null))}
              data-testid="camera-add"
            >
              {t('cameras.add')}
            </Button>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}
