import { Button, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HubDeadLetter } from '../../../shared/contract';
import { kindText, knownKind } from '../../../shared/i18n/notices';
import { useClient } from '../../api/client';
import { ErrorAlert, ToolDialog } from '../../ui/dialogs';
import { formatClock } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';

const SHOWN = 100;
/** Enough of the raw message to recognise it; the whole of it stays in the console's database. */
const RAW_SHOWN = 300;
/**
 * The fields a refusal names, from the core's `path: message; …` (shared/contract describeIssues): the protocol's
 * own names for them, worded around in the operator's language; the validator's English stays behind "technical".
 */
export function refusedFields(error: string): string[] {
  const fields = error
    .split('; ')
    .map((issue) => /^([A-Za-z0-9_.[\]-]+|\(root\)): /.exec(issue)?.[1])
    .filter((f): f is string => f !== undefined);
  return [...new Set(fields)];
}

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
  const [technical, setTechnical] = useState<ReadonlySet<number>>(new Set());
  const toggle = (seq: number) =>
    setTechnical((shown) => {
      const next = new Set(shown);
      if (!next.delete(seq)) next.add(seq);
      return next;
    });

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
                <TableCell sx={SHORT}>
                  {knownKind(d.kind) || !d.kind ? (
                    kindText(t, d.kind)
                  ) : (
                    // A kind the protocol does not have: said so, and the hub's own word beside it as evidence.
                    <>
                      {t('hub.kinds.unknown')}{' '}
                      <Typography component="code" translate="no" sx={{ fontFamily: 'monospace' }}>
                        {d.kind}
                      </Typography>
                    </>
                  )}
                </TableCell>
                <TableCell sx={SHORT}>{t(`hub.deadLetterReason.${d.reason}`)}</TableCell>
                <TableCell sx={{ verticalAlign: 'top' }}>
                  <DeadLetterDetail
                    letter={d}
                    technical={technical.has(d.seq)}
                    onToggle={() => toggle(d.seq)}
                  />
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

/**
 * Why a message was set aside, in the operator's words (and the fields the protocol names), with the hub's own
 * words and bytes one click away: evidence for the hub's people, shown as they came (`translate="no"`: not the
 * console's text, so no language of its own).
 */
function DeadLetterDetail(props: { letter: HubDeadLetter; technical: boolean; onToggle(): void }) {
  const { t } = useTranslation();
  const d = props.letter;
  const fields = d.reason === 'invalid' ? refusedFields(d.error) : [];
  return (
    <>
      <Typography variant="body2" component="span">
        {fields.length > 0 ? t('hub.deadLetterFields') : t(`hub.deadLetterExplained.${d.reason}`)}
      </Typography>
      {fields.map((f) => (
        <Typography key={f} component="code" translate="no" sx={{ fontFamily: 'monospace', ml: 1 }}>
          {f}
        </Typography>
      ))}
      <Button
        size="small"
        onClick={props.onToggle}
        aria-expanded={props.technical}
        data-testid="hub-dead-letter-technical"
        sx={{ ml: 1 }}
      >
        {t(props.technical ? 'hub.technicalHide' : 'hub.technicalShow')}
      </Button>
      {props.technical && (
        <Typography
          component="div"
          translate="no"
          data-testid="hub-dead-letter-raw"
          sx={{ fontFamily: 'monospace', fontSize: '0.75rem', wordBreak: 'break-all' }}
        >
          {d.error}
          {d.raw && (
            <Typography
              component="div"
              sx={{ fontFamily: 'inherit', fontSize: 'inherit', color: 'text.secondary' }}
            >
              {d.raw.slice(0, RAW_SHOWN)}
            </Typography>
          )}
        </Typography>
      )}
    </>
  );
}
