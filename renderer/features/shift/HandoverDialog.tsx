import {
  Alert,
  Box,
  Button,
  Checkbox,
  List,
  ListItem,
  ListItemButton,
  ListItemIcon,
  ListItemText,
  Typography,
} from '@mui/material';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { HandoverReportView, ShiftView } from '../../../shared/contract';
import { formatDateTime } from '../../../shared/domain/text';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { ErrorAlert, ToolDialog } from '../../ui/dialogs';
import { TextInput } from '../../ui/fields';
import { useLocale } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { CredentialFields, NO_CREDENTIALS } from '../operators';
import { useSystem } from '../system';
import { SealedRecord, StatsBlock, useList } from './SealedRecord';
import { useShift } from './store';

/**
 * 交接班: the report of the open shift; the incoming operator ticks each carried-over item; both sign with
 * their passwords; the shift is sealed and the console passes to the incoming operator.
 */
export function HandoverDialog(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const shiftStore = useShift();
  const shift = useStore(shiftStore.shift);
  const locale = useLocale();
  const list = useList();
  const site = useStore(useSystem().site);
  // The site's clock, as in the sealed record and its PDF.
  const when = (at: number) => formatDateTime(at, locale, site?.timeZone);
  const call = useCall();
  // Reading the report is its own call: reading it again after a refused signature keeps that refusal shown.
  const reading = useCall();
  const { run } = reading;
  const [report, setReport] = useState<HandoverReportView | null>(null);
  const [past, setPast] = useState<ShiftView[]>([]);
  const [acked, setAcked] = useState<Set<string>>(new Set());
  const [out, setOut] = useState(NO_CREDENTIALS);
  const [inc, setInc] = useState(NO_CREDENTIALS);
  const [note, setNote] = useState('');
  const [viewing, setViewing] = useState<string | null>(null);

  const [version, setVersion] = useState(0);
  const load = () => setVersion((v) => v + 1);
  useEffect(() => {
    if (!props.open) return undefined;
    let cancelled = false;
    void run(() => Promise.all([client.call('shift.report'), client.call('shift.list', { limit: 20 })])).then(
      (r) => {
        if (!r || cancelled) return;
        const [next, list] = r;
        setReport(next);
        setPast(list.shifts.filter((s) => s.sealedAt !== undefined));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [props.open, client, run, version]);

  const close = () => {
    setViewing(null);
    setAcked(new Set());
    call.clear();
    reading.clear();
    setOut(NO_CREDENTIALS);
    setInc(NO_CREDENTIALS);
    setNote('');
    props.onClose();
  };

  const items = report?.items ?? [];
  const allAcked = items.every((i) => acked.has(i.key));
  const toggle = (key: string) =>
    setAcked((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  const sign = async (e: FormEvent) => {
    e.preventDefault();
    const result = await call.run(() =>
      shiftStore.handover({
        outgoing: out,
        incoming: inc,
        acknowledged: [...acked],
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    );
    if (!result) {
      // Something may have changed (a new alarm): show the current list.
      load();
      return;
    }
    setOut(NO_CREDENTIALS);
    setInc(NO_CREDENTIALS);
    setNote('');
    setViewing(result.sealed.id);
  };

  return (
    <ToolDialog
      open={props.open}
      onClose={close}
      maxWidth="lg"
      testId="handover"
      title={
        viewing
          ? t('duty.sealedTitle')
          : t('duty.handoverTitle', { from: shift ? when(shift.startedAt) : '' })
      }
      contentSx={{ display: 'grid', gridTemplateColumns: viewing ? '1fr' : '1.3fr 1fr', gap: 3 }}
      actions={
        viewing && (
          <Button
            onClick={() => {
              setViewing(null);
              load();
            }}
          >
            {t('duty.handover')}
          </Button>
        )
      }
    >
      {viewing ? (
        <SealedRecord id={viewing} />
      ) : (
        <>
          <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
            {shift?.understaffed && <Alert severity="warning">{t('duty.understaffedHint')}</Alert>}
            <Typography>
              {t('duty.field', {
                label: t('duty.onDuty'),
                value: list((shift?.onDuty ?? []).map((o) => o.operator.name)),
              })}
            </Typography>
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
              <Typography variant="subtitle1" sx={{ fontWeight: 700, flex: 1 }}>
                {t('duty.carryOver')}
              </Typography>
              {items.length > 0 && (
                <Button
                  size="small"
                  onClick={() => setAcked(new Set(items.map((i) => i.key)))}
                  data-testid="handover-ack-all"
                >
                  {t('duty.ackAll')}
                </Button>
              )}
            </Box>
            {items.length === 0 ? (
              <Typography color="text.secondary">{t('duty.noCarryOver')}</Typography>
            ) : (
              <List dense sx={{ maxHeight: 340, overflow: 'auto', border: 1, borderColor: 'divider' }}>
                {items.map((i) => (
                  <ListItem key={i.key} disablePadding data-testid="handover-item" data-kind={i.kind}>
                    <ListItemButton onClick={() => toggle(i.key)}>
                      <ListItemIcon>
                        <Checkbox
                          edge="start"
                          checked={acked.has(i.key)}
                          tabIndex={-1}
                          data-testid="handover-ack"
                        />
                      </ListItemIcon>
                      <ListItemText
                        primary={`[${t(`duty.item_${i.kind}`)}] ${i.label[locale]}`}
                        secondary={i.since ? when(i.since) : undefined}
                      />
                    </ListItemButton>
                  </ListItem>
                ))}
              </List>
            )}
            {report && <StatsBlock stats={report.stats} />}
            {past.length > 0 && (
              <>
                <Typography variant="subtitle1" sx={{ fontWeight: 700, mt: 1 }}>
                  {t('duty.shifts')}
                </Typography>
                {past.slice(0, 6).map((s) => (
                  <Box key={s.id} sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
                    <Typography sx={{ flex: 1 }}>
                      {when(s.startedAt)} – {s.endedAt ? when(s.endedAt) : ''} · {list(s.outgoing ?? [])} →{' '}
                      {list(s.incoming ?? [])}
                    </Typography>
                    <Button size="small" onClick={() => setViewing(s.id)} data-testid="shift-open">
                      {t('duty.open')}
                    </Button>
                  </Box>
                ))}
              </>
            )}
          </Box>
          <Box component="form" onSubmit={sign} sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
            <Typography color="text.secondary">{t('duty.signHint')}</Typography>
            <Typography variant="subtitle1" sx={{ fontWeight: 700 }}>
              {t('duty.outgoing')}
            </Typography>
            <CredentialFields prefix="handover-out" value={out} onChange={setOut} />
            <Typography variant="subtitle1" sx={{ fontWeight: 700 }}>
              {t('duty.incoming')}
            </Typography>
            <CredentialFields prefix="handover-in" value={inc} onChange={setInc} />
            <TextInput
              size="medium"
              label={t('duty.handoverNote')}
              multiline
              minRows={2}
              value={note}
              onChange={setNote}
              testId="handover-note"
              maxLength={2000}
            />
            <ErrorAlert error={call.error || reading.error} testId="handover-error" />
            <Button
              type="submit"
              variant="contained"
              size="large"
              disabled={
                call.busy || !allAcked || !out.username || !out.password || !inc.username || !inc.password
              }
              data-testid="handover-sign"
            >
              {t('duty.sign')}
            </Button>
          </Box>
        </>
      )}
    </ToolDialog>
  );
}
