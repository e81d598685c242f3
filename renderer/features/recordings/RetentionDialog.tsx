import {
  Box,
  Button,
  Chip,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { roleAllows, type ClipExport, type RetentionView } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { ErrorAlert, ToolDialog } from '../../ui/dialogs';
import { formatClock, useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { useOperators } from '../operators';
import { useSystem } from '../system';
import { ClipRow } from './EvidenceClips';
import { formatBytes, retentionOpen } from './store';

const pct = (x: number) => `${(x * 100).toFixed(x >= 0.999 || x === 0 ? 0 : 1)}%`;

function RetentionTable({ view }: { view: RetentionView }) {
  const { t } = useTranslation();
  const text = useText();
  const site = useStore(useSystem().site);
  const days = (d: number | null) =>
    d === null ? t('recordings.unknown') : t('recordings.days', { days: Math.floor(d) });
  return (
    <Table size="small" data-testid="retention-table">
      <TableHead>
        <TableRow>
          {(
            [
              'camera',
              'oldest',
              'actual',
              'coverage24h',
              'coverage30d',
              'gaps',
              'perDay',
              'projected',
              'required',
              'state',
            ] as const
          ).map((c) => (
            <TableCell key={c}>{t(`recordings.col.${c}`)}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {view.cameras.map((c) => (
          <TableRow
            key={c.cameraId}
            data-testid="retention-row"
            data-camera={c.cameraId}
            data-fault={c.fault ?? ''}
          >
            <TableCell>
              {text(site?.cameras.find((x) => x.id === c.cameraId)?.name) || c.cameraId}
              {c.source === 'nvr' && (
                <Tooltip title={t('recordings.nvrHint')}>
                  <Chip
                    size="small"
                    variant="outlined"
                    sx={{ ml: 1 }}
                    data-testid="retention-nvr"
                    label={t('recordings.nvr')}
                  />
                </Tooltip>
              )}
            </TableCell>
            <TableCell>
              {c.oldest === null
                ? '—'
                : new Date(c.oldest).toLocaleDateString('sv-SE') + ' ' + formatClock(c.oldest, false)}
            </TableCell>
            <TableCell>{days(c.actualDays)}</TableCell>
            <TableCell>{pct(c.coverage24h)}</TableCell>
            <TableCell>{pct(c.coverage30d)}</TableCell>
            <TableCell>
              <Tooltip
                title={c.gaps24h.map((g) => `${formatClock(g.start)}–${formatClock(g.end)}`).join(', ')}
              >
                <span>{c.gaps24h.length}</span>
              </Tooltip>
            </TableCell>
            <TableCell>
              {c.bytesPerDay === null ? t('recordings.unknown') : formatBytes(c.bytesPerDay)}
            </TableCell>
            <TableCell>{days(c.projectedDays)}</TableCell>
            <TableCell>{t('recordings.days', { days: c.requiredDays })}</TableCell>
            <TableCell>
              <Chip
                size="small"
                data-testid="retention-state"
                data-state={c.fault ?? (c.recording ? 'ok' : 'off')}
                color={c.fault ? 'error' : c.recording ? 'success' : 'default'}
                label={t(`recordings.state.${c.fault ?? (c.recording ? 'ok' : 'off')}`)}
              />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The supervisor's retention view (录像留存): per camera the oldest recording, coverage, gaps, bytes per day and the
 * days the disk holds against the days required; and every evidence clip exported.
 */
export function RetentionDialog() {
  const { t } = useTranslation();
  const client = useClient();
  const open = useStore(retentionOpen);
  const { run, error } = useCall();
  const [view, setView] = useState<RetentionView | undefined>();
  const [clips, setClips] = useState<ClipExport[]>([]);
  useEffect(() => {
    if (!open) return;
    void run(() => client.call('recordings.retention', {})).then((v) => v && setView(v));
    void run(() => client.call('recordings.allExports', {})).then((v) => v && setClips(v));
  }, [open, client, run]);
  if (!open) return null;
  const required = Math.max(30, ...(view?.cameras.map((c) => c.requiredDays) ?? []));
  return (
    <ToolDialog
      title={t('recordings.retentionTitle', { days: required })}
      testId="retention-dialog"
      maxWidth="lg"
      onClose={() => retentionOpen.set(false)}
    >
      <Typography variant="body2" color="text.secondary">
        {t('recordings.retentionHint')}
      </Typography>
      <ErrorAlert error={error} />
      {view && (
        <>
          <Typography variant="body2" data-testid="retention-disk">
            {t('recordings.disk', {
              free: formatBytes(view.freeBytes),
              used: formatBytes(view.recordingBytes),
              kept: formatBytes(view.protectedBytes),
              quota: view.quotaBytes === null ? t('recordings.noQuota') : formatBytes(view.quotaBytes),
            })}
          </Typography>
          <Box sx={{ overflowX: 'auto' }}>
            <RetentionTable view={view} />
          </Box>
        </>
      )}
      <Typography variant="subtitle2">{t('recordings.exports')}</Typography>
      {clips.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {t('recordings.noExports')}
        </Typography>
      ) : (
        clips.map((c) => <ClipRow key={c.id} clip={c} />)
      )}
    </ToolDialog>
  );
}

/** The top bar's entry to the retention view, for supervisors; Alt+R opens it from anywhere. */
export function RetentionButton() {
  const { t } = useTranslation();
  const operator = useStore(useOperators().operator);
  const supervisor = operator ? roleAllows(operator.role, 'supervisor') : false;
  useEffect(() => {
    if (!supervisor) return;
    const key = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.key.toLowerCase() !== 'r') return;
      e.preventDefault();
      retentionOpen.set(true);
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [supervisor]);
  if (!supervisor) return null;
  return (
    <Button
      size="small"
      variant="outlined"
      data-testid="retention-open"
      aria-keyshortcuts="Alt+R"
      title="Alt+R"
      onClick={() => retentionOpen.set(true)}
    >
      {t('recordings.retention')}
    </Button>
  );
}
