import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HubDeadLetter } from '../../../shared/contract';
import { kindText } from '../../../shared/i18n/notices';
import { useClient } from '../../api/client';
import { ErrorAlert, ToolDialog } from '../../ui/dialogs';
import { formatClock } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';

const SHOWN = 100;
/** Enough of the raw message to recognise it; the whole of it stays in the console's database. */
const RAW_SHOWN = 300;
/** The short columns keep to one line; the details take the rest of the width. */
const SHORT = { whiteSpace: 'nowrap', verticalAlign: 'top' } as const;

/**
 * What the hub link set aside instead of stopping on it, newest first: for a supervisor to report to whoever runs
 * the hub (sequence, kind, why, and the start of the message as it came).
 */
export function HubDeadLetters({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const { run, error } = useCall();
  const [rows, setRows] = useState<{ deadLetters: HubDeadLetter[]; total: number } | null>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    void run(() => client.call('hub.deadLetters', { limit: SHOWN })).then((r) => {
      if (live && r) setRows(r);
    });
    return () => {
      live = false;
    };
  }, [open, run, client]);

  return (
    <ToolDialog
      open={open}
      onClose={onClose}
      maxWidth="lg"
      testId="hub-dead-letters-dialog"
      title={t('hub.deadLettersTitle')}
    >
      <Typography variant="body2" color="text.secondary">
        {t('hub.deadLettersHint')}
      </Typography>
      <ErrorAlert error={error} />
      {rows && rows.deadLetters.length === 0 && <Typography>{t('hub.deadLettersEmpty')}</Typography>}
      {rows && rows.deadLetters.length > 0 && (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell sx={SHORT}>{t('hub.seq')}</TableCell>
              <TableCell sx={SHORT}>{t('hub.receivedAt')}</TableCell>
              <TableCell sx={SHORT}>{t('hub.kind')}</TableCell>
              <TableCell sx={SHORT}>{t('hub.reason')}</TableCell>
              <TableCell>{t('hub.detail')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.deadLetters.map((d) => (
              <TableRow key={d.seq} data-testid="hub-dead-letter" data-seq={d.seq}>
                <TableCell sx={SHORT}>{d.seq}</TableCell>
                <TableCell sx={SHORT}>{formatClock(d.receivedAt)}</TableCell>
                <TableCell sx={SHORT}>{kindText(t, d.kind)}</TableCell>
                <TableCell sx={SHORT}>{t(`hub.deadLetterReason.${d.reason}`)}</TableCell>
                {/* The hub's own words and bytes: evidence for the hub's people, shown as they came. */}
                <TableCell sx={{ fontFamily: 'monospace', fontSize: '0.75rem', wordBreak: 'break-all' }}>
                  {d.error}
                  {d.raw && (
                    <Typography
                      component="div"
                      sx={{ fontFamily: 'inherit', fontSize: 'inherit', color: 'text.secondary' }}
                    >
                      {d.raw.slice(0, RAW_SHOWN)}
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {rows && rows.total > rows.deadLetters.length && (
        <Typography variant="caption" color="text.secondary">
          {t('hub.deadLettersMore', { shown: rows.deadLetters.length, total: rows.total })}
        </Typography>
      )}
    </ToolDialog>
  );
}
