import { Alert, Box, Button, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraAdminView, MethodOutput } from '../../../shared/contract';
import { pickText } from '../../../shared/domain/text';
import { useStore } from '../../api/store';
import { type DialogHandle, ErrorAlert, ToolDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useText } from '../../ui/hooks';
import { useNotify } from '../../ui/notify';
import { useCall } from '../../ui/useCall';
import { ZoneSelect } from '../system';
import { useCameras } from './store';

interface Draft {
  id: string;
  zh: string;
  en: string;
  main: string;
  sub: string;
  transport: CameraAdminView['transport'];
  zone: string;
  codec: 'auto' | 'h264' | 'h265';
  player: 'auto' | 'jsmpeg';
  isNew: boolean;
  /**
   * What this form does not edit (map position, heading, recording, NVR channel): sent back as it came, so saving
   * a name or an address keeps the rest of the camera (the NVR password comes as `***` and stays as stored).
   */
  kept?: Pick<CameraAdminView, 'position' | 'heading' | 'record' | 'nvr'>;
}

/** The fields the draft keeps, without the absent ones (the contract's optional fields take no `undefined`). */
function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const empty: Draft = {
  id: '',
  zh: '',
  en: '',
  main: 'rtsp://',
  sub: '',
  transport: 'tcp',
  zone: '',
  codec: 'auto',
  player: 'auto',
  isNew: true,
};

/** Supervisors add, edit and remove cameras; the core refuses everyone else and says why. */
export function CameraManager(props: DialogHandle) {
  const { t } = useTranslation();
  const store = useCameras();
  const cameras = useStore(store.admin);
  const text = useText();
  const notify = useNotify();
  const call = useCall();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [test, setTest] = useState<MethodOutput<'cameras.test'> | 'running' | null>(null);
  /**
   * The camera whose form just closed: its row's edit button takes the focus, so the keyboard stays in the dialog
   * (the form's buttons are gone, and with them the focus) and Escape still closes it.
   */
  const [returnTo, setReturnTo] = useState<string | null>(null);
  const { run } = call;

  useEffect(() => {
    if (props.open) void run(() => store.loadAdmin());
  }, [props.open, run, store]);

  const edit = (c: CameraAdminView) =>
    setDraft({
      kept: { position: c.position, heading: c.heading, record: c.record, nvr: c.nvr },
      id: c.id,
      zh: pickText(c.name, 'zh-CN'),
      en: typeof c.name === 'string' ? '' : (c.name.en ?? ''),
      main: c.streams.main,
      sub: c.streams.sub ?? '',
      transport: c.transport,
      zone: c.zone ?? '',
      codec: c.video?.codec ?? 'auto',
      player: c.video?.player ?? 'auto',
      isNew: false,
    });

  const save = async () => {
    if (!draft) return;
    const saved = await run(() =>
      store.save({
        ...dropUndefined(draft.kept ?? {}),
        id: draft.id.trim(),
        name: draft.en.trim() ? { 'zh-CN': draft.zh.trim(), en: draft.en.trim() } : draft.zh.trim(),
        streams: { main: draft.main.trim(), ...(draft.sub.trim() ? { sub: draft.sub.trim() } : {}) },
        transport: draft.transport,
        ...(draft.zone ? { zone: draft.zone } : {}),
        ...(draft.codec !== 'auto' || draft.player !== 'auto'
          ? { video: { codec: draft.codec, player: draft.player } }
          : {}),
      }),
    );
    if (!saved) return;
    setReturnTo(saved.id);
    setDraft(null);
    setTest(null);
    notify({ level: 'info', code: 'camera', message: t('cameras.saved', { id: saved.id }) });
  };

  const remove = (id: string) => {
    if (window.confirm(t('cameras.removeConfirm', { id }))) void run(() => store.remove(id));
  };

  const runTest = async () => {
    if (!draft) return;
    setTest('running');
    const result = await run(() =>
      store.test({
        url: draft.main.trim(),
        transport: draft.transport,
        ...(draft.isNew ? {} : { cameraId: draft.id }),
      }),
    );
    setTest(result ?? null);
  };

  const field = (key: 'id' | 'zh' | 'en' | 'main' | 'sub', label: string, flex = false) => (
    <TextInput
      label={label}
      value={draft?.[key] ?? ''}
      onChange={(value) => setDraft((d) => (d ? { ...d, [key]: value } : d))}
      disabled={key === 'id' && !draft?.isNew}
      sx={flex ? { flex: 1 } : undefined}
    />
  );

  return (
    <ToolDialog
      {...props}
      testId="camera-manager"
      title={t('cameras.manageTitle')}
      closeLabel={null}
      contentSx={{}}
    >
      <ErrorAlert error={call.error} testId="camera-manager-error" />
      {draft ? (
        <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, pt: 1 }}>
          {field('id', t('cameras.fieldId'))}
          <Box sx={{ display: 'flex', gap: 1 }}>
            {field('zh', t('cameras.fieldNameZh'), true)}
            {field('en', t('cameras.fieldNameEn'), true)}
          </Box>
          {field('main', t('cameras.fieldMain'))}
          {field('sub', t('cameras.fieldSub'))}
          <Typography variant="caption" color="text.secondary">
            {t('cameras.credentialsKept')}
          </Typography>
          <Box sx={{ display: 'flex', gap: 1 }}>
            <SelectInput
              label={t('cameras.fieldTransport')}
              value={draft.transport}
              onChange={(transport) => setDraft({ ...draft, transport })}
              sx={{ flex: 1 }}
              options={[
                { value: 'tcp', label: 'TCP' },
                { value: 'udp', label: 'UDP' },
              ]}
            />
            <ZoneSelect
              label={t('cameras.zone')}
              value={draft.zone}
              onChange={(zone) => setDraft({ ...draft, zone })}
            />
          </Box>
          <Box sx={{ display: 'flex', gap: 1 }}>
            <SelectInput
              label={t('video.fieldPlayer')}
              testId="camera-player"
              value={draft.player}
              onChange={(player) => setDraft({ ...draft, player })}
              sx={{ flex: 1 }}
              options={[
                { value: 'auto', label: t('video.playerAuto') },
                { value: 'jsmpeg', label: t('video.playerJsmpeg') },
              ]}
            />
            <SelectInput
              label={t('video.fieldCodec')}
              testId="camera-codec"
              value={draft.codec}
              onChange={(codec) => setDraft({ ...draft, codec })}
              sx={{ flex: 1 }}
              options={[
                { value: 'auto', label: t('video.codecAuto') },
                { value: 'h264', label: 'H.264' },
                { value: 'h265', label: 'H.265' },
              ]}
            />
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
            <Button onClick={() => (setReturnTo(draft.id), setDraft(null), setTest(null))}>
              {t('form.cancel')}
            </Button>
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
                  <TableCell sx={{ fontFamily: 'monospace', fontSize: '0.8rem' }}>{c.streams.main}</TableCell>
                  <TableCell>
                    {t(c.origin === 'site' ? 'cameras.originSite' : 'cameras.originConsole')}
                  </TableCell>
                  <TableCell align="right">
                    <Button size="small" onClick={() => edit(c)} autoFocus={c.id === returnTo}>
                      {t('cameras.edit')}
                    </Button>
                    <Button size="small" color="error" onClick={() => remove(c.id)}>
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
    </ToolDialog>
  );
}
