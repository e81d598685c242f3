import { Box, Button, Chip, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClipExport } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { FormDialog } from '../../ui/dialogs';
import { TextInput } from '../../ui/fields';
import { formatClock, useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { useSystem } from '../system';
import { clipsChanged, downloadExport, formatBytes } from './store';

/** The dialog that asks why (the manifest's and the audit log's reason) and exports. */
export function ExportDialog(props: {
  open: boolean;
  onClose(): void;
  alarmId?: string | undefined;
  incidentId?: string | undefined;
  range?: { from: number; to: number } | undefined;
  cameraIds?: string[] | undefined;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const { run, error, busy, clear } = useCall();
  const [reason, setReason] = useState('');
  const close = () => {
    setReason('');
    clear();
    props.onClose();
  };
  return (
    <FormDialog
      open={props.open}
      title={props.range ? t('recordings.exportRange') : t('recordings.exportTitle')}
      testId="clip-export-dialog"
      onClose={close}
      busy={busy}
      canSubmit={reason.trim().length >= 2}
      error={error}
      errorTestId="clip-export-error"
      submitLabel={busy ? t('recordings.exporting') : t('recordings.exportClip')}
      submitTestId="clip-export-submit"
      onSubmit={async () => {
        const done = await run(() =>
          client.call('recordings.export', {
            ...(props.alarmId ? { alarmId: props.alarmId } : { incidentId: props.incidentId }),
            ...(props.range ? { range: props.range } : {}),
            ...(props.cameraIds ? { cameraIds: props.cameraIds } : {}),
            reason: reason.trim(),
          }),
        );
        if (done) {
          clipsChanged.set(clipsChanged.get() + 1);
          close();
        }
      }}
    >
      <Typography variant="body2" color="text.secondary">
        {props.range
          ? t('recordings.rangeHint', {
              from: formatClock(props.range.from),
              to: formatClock(props.range.to),
              seconds: Math.round((props.range.to - props.range.from) / 1000),
            })
          : t('recordings.exportHint')}
      </Typography>
      <TextInput
        label={t('recordings.reason')}
        value={reason}
        onChange={setReason}
        maxLength={500}
        testId="clip-reason"
        fullWidth
      />
    </FormDialog>
  );
}

/** One export: who, when, why; each camera's file with its size, length and SHA-256; its gaps; the ZIP. */
export function ClipRow({ clip }: { clip: ClipExport }) {
  const { t } = useTranslation();
  const text = useText();
  const client = useClient();
  const site = useStore(useSystem().site);
  const { run } = useCall('notice');
  const name = (id: string) => text(site?.cameras.find((c) => c.id === id)?.name) || id;
  return (
    <Box
      data-testid="clip-export"
      data-gaps={clip.gaps}
      sx={{
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        p: 1,
        display: 'flex',
        flexDirection: 'column',
      }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="body2" sx={{ flex: 1 }}>
          {t('recordings.exportedBy', { time: formatClock(clip.exportedAt), name: clip.exportedBy })}
          {/* What the operator typed, shown as typed (no language of the console's). */}
          <span translate="no" data-testid="clip-reason-text">
            {clip.reason}
          </span>
        </Typography>
        <Button
          size="small"
          variant="outlined"
          data-testid="clip-download"
          onClick={() =>
            void run(async () =>
              downloadExport((await client.call('recordings.exportDownload', { exportId: clip.id })).url),
            )
          }
        >
          {t('recordings.download')}
        </Button>
      </Box>
      <Typography
        variant="caption"
        color="text.secondary"
        data-testid="clip-folder"
        sx={{ wordBreak: 'break-all' }}
      >
        {t('recordings.folder', { folder: '' })}
        {/* The folder's name is a file-system name (times, ids), not words. */}
        <span translate="no">{clip.folder}</span>
      </Typography>
      {clip.files.map((f) =>
        f.file ? (
          <Box key={f.cameraId} data-testid="clip-file" data-camera={f.cameraId}>
            <Typography variant="body2">
              {t('recordings.file', {
                camera: name(f.cameraId),
                size: formatBytes(f.bytes),
                seconds: f.seconds,
              })}
            </Typography>
            <Typography
              variant="caption"
              component="div"
              sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}
              title={t('recordings.sha256')}
            >
              {t('recordings.sha256')}: <span data-testid="clip-sha256">{f.sha256}</span>
            </Typography>
            {f.gaps.length > 0 && (
              <Chip
                size="small"
                color="warning"
                data-testid="clip-gaps"
                label={t('recordings.gaps', {
                  spans: f.gaps.map((g) => `${formatClock(g.start)}–${formatClock(g.end)}`).join(', '),
                })}
                sx={{ height: 'auto', '& .MuiChip-label': { whiteSpace: 'normal' } }}
              />
            )}
          </Box>
        ) : (
          <Typography key={f.cameraId} variant="body2" color="warning.main" data-testid="clip-file-missing">
            {t('recordings.noRecording', { camera: name(f.cameraId) })}
          </Typography>
        ),
      )}
    </Box>
  );
}

/**
 * The alarm detail's evidence section (「保存相关录像」): the export button and the clips already exported from
 * this alarm or its incident.
 */
export function EvidenceClips({ alarmId }: { alarmId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const changed = useStore(clipsChanged);
  const [clips, setClips] = useState<ClipExport[]>([]);
  const [open, setOpen] = useState(false);
  const load = useCallback(
    () => client.call('recordings.exports', { alarmId }).then(setClips, () => setClips([])),
    [client, alarmId],
  );
  useEffect(() => {
    void load();
  }, [load, changed]);
  return (
    <Box data-testid="evidence-clips" sx={{ display: 'flex', flexDirection: 'column', gap: 0.5 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          {t('recordings.exports')}
        </Typography>
        <Button size="small" variant="outlined" data-testid="clip-export-open" onClick={() => setOpen(true)}>
          {t('recordings.exportClip')}
        </Button>
      </Box>
      {clips.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {t('recordings.noExports')}
        </Typography>
      ) : (
        clips.map((c) => <ClipRow key={c.id} clip={c} />)
      )}
      <ExportDialog open={open} onClose={() => setOpen(false)} alarmId={alarmId} />
    </Box>
  );
}
