import {
  Alert,
  Box,
  Button,
  Checkbox,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
} from '@mui/material';
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DutyEntry, DutyFilter } from '../../../shared/contract';
import { MANUAL_KINDS, type ManualKind } from '../../../shared/domain/handover';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { formatClock, useText } from '../../ui/hooks';
import { errorText } from '../operators/SignIn';

const FILTER_KINDS = [
  ...MANUAL_KINDS,
  'alarm',
  'false_alarm',
  'escalation',
  'hub_link',
  'camera',
  'device',
  'shift',
  'account_locked',
  'patrol_missed',
  'patrol_round',
  'patrol_late',
  'dispatch',
  'drill',
  'mute',
  'disaster_mode',
];
/** Kinds offered for a new entry; correction and follow-up closing start from a row. */
const NEW_KINDS = MANUAL_KINDS.filter((k) => k !== 'correction' && k !== 'follow_up_done');

function day(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** 值班记录: every automatic and manual entry, filters and search, manual entries, corrections, CSV. */
export function DutyLogDialog(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const model = useConsole();
  const site = useStore(model.site);
  const alarms = useStore(model.alarms);
  const text = useText();
  const [kind, setKind] = useState('');
  const [search, setSearch] = useState('');
  const [followUpOnly, setFollowUpOnly] = useState(false);
  const [manualOnly, setManualOnly] = useState(false);
  const [entries, setEntries] = useState<DutyEntry[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState('');
  // The new-entry form.
  const [newKind, setNewKind] = useState<ManualKind>('note');
  const [newText, setNewText] = useState('');
  const [alarmId, setAlarmId] = useState('');
  const [cameraId, setCameraId] = useState('');
  const [followUp, setFollowUp] = useState(false);
  const [refTo, setRefTo] = useState<{ id: number; kind: 'correction' | 'follow_up_done' } | null>(null);

  const filter = useMemo<DutyFilter>(
    () => ({
      ...(kind ? { kinds: [kind] } : {}),
      ...(search.trim() ? { search: search.trim() } : {}),
      ...(followUpOnly ? { followUp: true } : {}),
      ...(manualOnly ? { manual: true } : {}),
    }),
    [kind, search, followUpOnly, manualOnly],
  );

  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!props.open) return undefined;
    let cancelled = false;
    model.client.call('duty.list', { filter, limit: 100 }).then(
      (page) => {
        if (cancelled) return;
        setEntries(page.entries);
        setMore(page.more);
      },
      (err: unknown) => {
        if (!cancelled) setError(errorText(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [props.open, model, filter, version]);

  const loadMore = useCallback(
    async (before: number) => {
      try {
        const page = await model.client.call('duty.list', { filter, limit: 100, before });
        setEntries((prev) => [...prev, ...page.entries]);
        setMore(page.more);
      } catch (err) {
        setError(errorText(err));
      }
    },
    [model, filter],
  );

  const kindLabel = (k: string) => t(`duty.kind_${k}`, { defaultValue: k });

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      await model.client.call('duty.add', {
        kind: refTo?.kind ?? newKind,
        text: newText,
        followUp: refTo ? false : followUp,
        ...(refTo ? { refId: refTo.id } : {}),
        ...(alarmId ? { alarmId } : {}),
        ...(cameraId ? { cameraId } : {}),
      });
      setNewText('');
      setAlarmId('');
      setCameraId('');
      setFollowUp(false);
      setRefTo(null);
      setVersion((v) => v + 1);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const exportCsv = async () => {
    try {
      const result = await model.client.call('duty.exportCsv', { filter });
      const url = URL.createObjectURL(new Blob([result.csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `duty-log-${day(Date.now())}.csv`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const openAlarms = Object.values(alarms).sort((a, b) => b.receivedAt - a.receivedAt);

  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="xl" data-testid="duty-log">
      <DialogTitle>{t('duty.logTitle')}</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
        <Box
          component="form"
          onSubmit={add}
          data-testid="duty-add"
          sx={{
            display: 'grid',
            gridTemplateColumns: '160px 1fr 220px 200px auto auto',
            gap: 1,
            alignItems: 'center',
            pt: 1,
          }}
        >
          {refTo ? (
            <Chip
              color="info"
              label={
                refTo.kind === 'correction'
                  ? t('duty.correctionOf', { id: refTo.id })
                  : t('duty.closes', { id: refTo.id })
              }
              onDelete={() => setRefTo(null)}
              data-testid="duty-ref"
            />
          ) : (
            <TextField
              select
              size="small"
              label={t('duty.entryKind')}
              value={newKind}
              onChange={(e) => setNewKind(e.target.value as ManualKind)}
              slotProps={{ htmlInput: { 'data-testid': 'duty-kind' } }}
            >
              {NEW_KINDS.map((k) => (
                <MenuItem key={k} value={k}>
                  {kindLabel(k)}
                </MenuItem>
              ))}
            </TextField>
          )}
          <TextField
            size="small"
            label={t('duty.entryText')}
            value={newText}
            onChange={(e) => setNewText(e.target.value)}
            slotProps={{ htmlInput: { 'data-testid': 'duty-text', maxLength: 2000 } }}
          />
          <TextField
            select
            size="small"
            label={t('duty.alarmLink')}
            value={alarmId}
            onChange={(e) => setAlarmId(e.target.value)}
            slotProps={{ htmlInput: { 'data-testid': 'duty-alarm' } }}
          >
            <MenuItem value="">{t('duty.none')}</MenuItem>
            {openAlarms.map((a) => (
              <MenuItem key={a.id} value={a.id}>
                P{a.priority} {t(`alarmType.${a.type}`)} {a.zone ?? ''} {formatClock(a.receivedAt, false)}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            select
            size="small"
            label={t('duty.cameraLink')}
            value={cameraId}
            onChange={(e) => setCameraId(e.target.value)}
          >
            <MenuItem value="">{t('duty.none')}</MenuItem>
            {(site?.cameras ?? []).map((c) => (
              <MenuItem key={c.id} value={c.id}>
                {text(c.name)}
              </MenuItem>
            ))}
          </TextField>
          <FormControlLabel
            control={
              <Checkbox
                checked={followUp}
                disabled={Boolean(refTo)}
                onChange={(e) => setFollowUp(e.target.checked)}
              />
            }
            label={t('duty.followUp')}
            data-testid="duty-followup"
          />
          <Button type="submit" variant="contained" disabled={!newText.trim()} data-testid="duty-submit">
            {t('duty.addEntry')}
          </Button>
        </Box>
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
          <TextField
            select
            size="small"
            label={t('duty.entryKind')}
            value={kind}
            onChange={(e) => setKind(e.target.value)}
            sx={{ minWidth: 160 }}
            slotProps={{ htmlInput: { 'data-testid': 'duty-filter-kind' } }}
          >
            <MenuItem value="">{t('duty.allKinds')}</MenuItem>
            {FILTER_KINDS.map((k) => (
              <MenuItem key={k} value={k}>
                {kindLabel(k)}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            size="small"
            label={t('duty.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            slotProps={{ htmlInput: { 'data-testid': 'duty-search' } }}
          />
          <FormControlLabel
            control={<Checkbox checked={followUpOnly} onChange={(e) => setFollowUpOnly(e.target.checked)} />}
            label={t('duty.followUpOnly')}
          />
          <FormControlLabel
            control={<Checkbox checked={manualOnly} onChange={(e) => setManualOnly(e.target.checked)} />}
            label={t('duty.manualOnly')}
          />
          <Box sx={{ flex: 1 }} />
          <Button variant="outlined" onClick={() => void exportCsv()} data-testid="duty-export">
            {t('duty.exportCsv')}
          </Button>
        </Box>
        {error && <Alert severity="error">{error}</Alert>}
        {entries.length === 0 ? (
          <Alert severity="info">{t('duty.empty')}</Alert>
        ) : (
          <Table size="small" stickyHeader>
            <TableHead>
              <TableRow>
                <TableCell>#</TableCell>
                <TableCell>{t('duty.time')}</TableCell>
                <TableCell>{t('duty.entryKind')}</TableCell>
                <TableCell>{t('duty.entryText')}</TableCell>
                <TableCell>{t('duty.operator')}</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {entries.map((e) => (
                <TableRow key={e.id} data-testid="duty-row" data-kind={e.kind} data-sealed={e.sealed}>
                  <TableCell>{e.id}</TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {day(e.at)} {formatClock(e.at)}
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{kindLabel(e.kind)}</TableCell>
                  <TableCell>
                    {e.text}
                    {e.refId !== undefined && (
                      <Chip
                        size="small"
                        sx={{ ml: 1 }}
                        label={
                          e.kind === 'follow_up_done'
                            ? t('duty.closes', { id: e.refId })
                            : t('duty.correctionOf', { id: e.refId })
                        }
                      />
                    )}
                    {e.followUp && (
                      <Chip size="small" color="warning" sx={{ ml: 1 }} label={t('duty.followUp')} />
                    )}
                    {e.alarmId && (
                      <Chip
                        size="small"
                        sx={{ ml: 1 }}
                        label={`${t('duty.kind_alarm')} ${e.alarmId.slice(0, 8)}`}
                      />
                    )}
                    {e.cameraId && <Chip size="small" sx={{ ml: 1 }} label={e.cameraId} />}
                    {e.sealed && (
                      <Chip size="small" variant="outlined" sx={{ ml: 1 }} label={t('duty.sealed')} />
                    )}
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{e.operatorName ?? ''}</TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {e.manual && (
                      <Button
                        size="small"
                        onClick={() => setRefTo({ id: e.id, kind: 'correction' })}
                        data-testid="duty-correct"
                      >
                        {t('duty.correct')}
                      </Button>
                    )}
                    {e.followUp && (
                      <Button
                        size="small"
                        onClick={() => setRefTo({ id: e.id, kind: 'follow_up_done' })}
                        data-testid="duty-close-followup"
                      >
                        {t('duty.closeFollowUp')}
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {more && (
          <Button onClick={() => void loadMore(entries.at(-1)?.id ?? 0)} data-testid="duty-more">
            {t('duty.more')}
          </Button>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>{t('duty.close')}</Button>
      </DialogActions>
    </Dialog>
  );
}
