import {
  Alert,
  Box,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  List,
  ListItem,
  ListItemButton,
  ListItemIcon,
  ListItemText,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { HandoverReportView, ShiftView } from '../../../shared/contract';
import { formatDateTime } from '../../../shared/domain/text';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { useLocale } from '../../app/hooks';
import { SealedRecord, StatsBlock, useList } from './SealedRecord';
import { CredentialFields, errorText } from '../operators/SignIn';

/**
 * 交接班: the report of the open shift; the incoming operator ticks each carried-over item; both sign with
 * their passwords; the shift is sealed and the console passes to the incoming operator.
 */
export function HandoverDialog(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const model = useConsole();
  const shift = useStore(model.shift);
  const locale = useLocale();
  const list = useList();
  const site = useStore(model.site);
  // The site's clock, as in the sealed record and its PDF.
  const when = (at: number) => formatDateTime(at, locale, site?.timeZone);
  const [report, setReport] = useState<HandoverReportView | null>(null);
  const [past, setPast] = useState<ShiftView[]>([]);
  const [acked, setAcked] = useState<Set<string>>(new Set());
  const [out, setOut] = useState({ username: '', password: '' });
  const [inc, setInc] = useState({ username: '', password: '' });
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [viewing, setViewing] = useState<string | null>(null);

  const [version, setVersion] = useState(0);
  const load = () => setVersion((v) => v + 1);
  useEffect(() => {
    if (!props.open) return undefined;
    let cancelled = false;
    Promise.all([model.client.call('shift.report'), model.client.call('shift.list', { limit: 20 })]).then(
      ([r, list]) => {
        if (cancelled) return;
        setReport(r);
        setPast(list.shifts.filter((s) => s.sealedAt !== undefined));
      },
      (err: unknown) => {
        if (!cancelled) setError(errorText(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [props.open, model, version]);

  const close = () => {
    setViewing(null);
    setAcked(new Set());
    setError('');
    setOut({ username: '', password: '' });
    setInc({ username: '', password: '' });
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
    setBusy(true);
    setError('');
    try {
      const result = await model.client.call('shift.handover', {
        outgoing: out,
        incoming: inc,
        acknowledged: [...acked],
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      await model.signedIn({ operator: result.operator, resumeToken: result.resumeToken });
      setOut({ username: '', password: '' });
      setInc({ username: '', password: '' });
      setNote('');
      setViewing(result.sealed.id);
    } catch (err) {
      setError(errorText(err));
      // Something may have changed (a new alarm): show the current list.
      load();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={props.open} onClose={close} fullWidth maxWidth="lg" data-testid="handover">
      <DialogTitle>
        {viewing
          ? t('duty.sealedTitle')
          : t('duty.handoverTitle', { from: shift ? when(shift.startedAt) : '' })}
      </DialogTitle>
      <DialogContent sx={{ display: 'grid', gridTemplateColumns: viewing ? '1fr' : '1.3fr 1fr', gap: 3 }}>
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
              <CredentialFields
                prefix="handover-out"
                username={out.username}
                password={out.password}
                onUsername={(username) => setOut((p) => ({ ...p, username }))}
                onPassword={(password) => setOut((p) => ({ ...p, password }))}
              />
              <Typography variant="subtitle1" sx={{ fontWeight: 700 }}>
                {t('duty.incoming')}
              </Typography>
              <CredentialFields
                prefix="handover-in"
                username={inc.username}
                password={inc.password}
                onUsername={(username) => setInc((p) => ({ ...p, username }))}
                onPassword={(password) => setInc((p) => ({ ...p, password }))}
              />
              <TextField
                label={t('duty.handoverNote')}
                multiline
                minRows={2}
                value={note}
                onChange={(e) => setNote(e.target.value)}
                slotProps={{ htmlInput: { 'data-testid': 'handover-note', maxLength: 2000 } }}
              />
              {error && (
                <Alert severity="error" data-testid="handover-error">
                  {error}
                </Alert>
              )}
              <Button
                type="submit"
                variant="contained"
                size="large"
                disabled={
                  busy || !allAcked || !out.username || !out.password || !inc.username || !inc.password
                }
                data-testid="handover-sign"
              >
                {t('duty.sign')}
              </Button>
            </Box>
          </>
        )}
      </DialogContent>
      <DialogActions>
        {viewing && (
          <Button
            onClick={() => {
              setViewing(null);
              load();
            }}
          >
            {t('duty.handover')}
          </Button>
        )}
        <Button onClick={close}>{t('duty.close')}</Button>
      </DialogActions>
    </Dialog>
  );
}
