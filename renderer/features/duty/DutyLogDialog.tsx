import { Alert, Box, Button, Chip, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmView, DutyEntry, DutyFilter, MethodInput } from '../../../shared/contract';
import { MANUAL_KINDS, type ManualKind } from '../../../shared/domain/handover';
import { useClient } from '../../api/client';
import { createStore, useStore } from '../../api/store';
import { type DialogHandle, ErrorAlert, InlineForm, ToolDialog } from '../../ui/dialogs';
import { dayStamp, saveCsv } from '../../ui/download';
import { CheckInput, SelectInput, TextInput } from '../../ui/fields';
import { formatClock, useLocale, useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { useAlarms } from '../alarms';
import { useSystem } from '../system';
import { useDuty } from './store';

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
  'sign_in_slowed',
  'patrol_missed',
  'patrol_round',
  'patrol_late',
  'dispatch',
  'drill',
  'mute',
  'disaster_mode',
  'clock_jump',
  'disk',
  'gate',
  'violation',
];
/** The entry a correction or a closed follow-up refers to. */
type RefTo = {
  id: DutyEntry['id'];
  kind: Extract<MethodInput<'duty.add'>['kind'], 'correction' | 'follow_up_done'>;
};

/** What the closed dialog reads instead of the open alarms: a store that never changes. */
const NO_ALARMS = createStore<Record<string, AlarmView>>({});

/** Kinds offered for a new entry; correction and follow-up closing start from a row. */
const NEW_KINDS = MANUAL_KINDS.filter((k) => k !== 'correction' && k !== 'follow_up_done');

/** 值班记录: every automatic and manual entry, filters and search, manual entries, corrections, CSV. */
export function DutyLogDialog(props: DialogHandle) {
  const { t } = useTranslation();
  const client = useClient();
  const duty = useDuty();
  const site = useStore(useSystem().site);
  // Subscribed only while open: closed, a flood's every batch re-rendered this dialog (and its closed menus) for
  // nothing.
  const openAlarms = useAlarms().open;
  const alarms = useStore(props.open ? openAlarms : NO_ALARMS);
  const { entries, more } = useStore(duty.log);
  const text = useText();
  const locale = useLocale();
  const call = useCall();
  const { run } = call;
  const [kind, setKind] = useState('');
  const [search, setSearch] = useState('');
  const [followUpOnly, setFollowUpOnly] = useState(false);
  const [manualOnly, setManualOnly] = useState(false);
  // The new-entry form.
  const [newKind, setNewKind] = useState<ManualKind>('note');
  const [newText, setNewText] = useState('');
  const [alarmId, setAlarmId] = useState('');
  const [cameraId, setCameraId] = useState('');
  const [followUp, setFollowUp] = useState(false);
  const [refTo, setRefTo] = useState<RefTo | null>(null);

  const filter = useMemo<DutyFilter>(
    () => ({
      ...(kind ? { kinds: [kind] } : {}),
      ...(search.trim() ? { search: search.trim() } : {}),
      ...(followUpOnly ? { followUp: true } : {}),
      ...(manualOnly ? { manual: true } : {}),
    }),
    [kind, search, followUpOnly, manualOnly],
  );

  useEffect(() => {
    if (props.open) void run(() => duty.query(filter));
  }, [props.open, run, duty, filter]);

  const kindLabel = (k: string) => t(`duty.kind_${k}`, { defaultValue: k });

  // The reply is the entry: it shows at the top at once, no second read of the log.
  const add = async () => {
    const added = await call.succeeds(() =>
      duty.add({
        kind: refTo?.kind ?? newKind,
        text: newText,
        followUp: refTo ? false : followUp,
        ...(refTo ? { refId: refTo.id } : {}),
        ...(alarmId ? { alarmId } : {}),
        ...(cameraId ? { cameraId } : {}),
      }),
    );
    if (!added) return;
    setNewText('');
    setAlarmId('');
    setCameraId('');
    setFollowUp(false);
    setRefTo(null);
  };

  const exportCsv = async () => {
    const result = await run(() => client.call('duty.exportCsv', { filter }));
    if (result) saveCsv(`duty-log-${dayStamp()}.csv`, result.csv);
  };

  // Mounted while closed too: in a flood (10,000 open alarms, a batch every 200 ms) building these labels on every
  // batch cost the page more than the alarm queue itself, so they are built only while the dialog is open.
  const alarmOptions = useMemo(
    () =>
      props.open
        ? Object.values(alarms)
            .sort((a, b) => b.receivedAt - a.receivedAt)
            .map((a) => ({
              value: a.id,
              label: `P${a.priority} ${t(`alarmType.${a.type}`)} ${text(site?.zones.find((z) => z.id === a.zone)?.name) || a.zone || ''} ${formatClock(a.receivedAt, false)}`,
            }))
        : [],
    [props.open, alarms, site, t, text],
  );

  return (
    <ToolDialog
      {...props}
      maxWidth="xl"
      testId="duty-log"
      title={t('duty.logTitle')}
      contentSx={{ display: 'flex', flexDirection: 'column', gap: 2 }}
    >
      <InlineForm onSubmit={add} testId="duty-add" columns="160px 1fr 220px 200px auto auto" sx={{ pt: 1 }}>
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
          <SelectInput
            label={t('duty.entryKind')}
            value={newKind}
            onChange={setNewKind}
            testId="duty-kind"
            options={NEW_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
          />
        )}
        <TextInput
          label={t('duty.entryText')}
          value={newText}
          onChange={setNewText}
          testId="duty-text"
          maxLength={2000}
        />
        <SelectInput
          label={t('duty.alarmLink')}
          value={alarmId}
          onChange={setAlarmId}
          testId="duty-alarm"
          empty={t('duty.none')}
          options={alarmOptions}
        />
        <SelectInput
          label={t('duty.cameraLink')}
          value={cameraId}
          onChange={setCameraId}
          empty={t('duty.none')}
          options={(site?.cameras ?? []).map((c) => ({ value: c.id, label: text(c.name) }))}
        />
        <CheckInput
          label={t('duty.followUp')}
          checked={followUp}
          disabled={Boolean(refTo)}
          onChange={setFollowUp}
          testId="duty-followup"
        />
        <Button type="submit" variant="contained" disabled={!newText.trim()} data-testid="duty-submit">
          {t('duty.addEntry')}
        </Button>
      </InlineForm>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <SelectInput
          label={t('duty.entryKind')}
          value={kind}
          onChange={setKind}
          sx={{ minWidth: 160 }}
          testId="duty-filter-kind"
          empty={t('duty.allKinds')}
          options={FILTER_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
        />
        <TextInput label={t('duty.search')} value={search} onChange={setSearch} testId="duty-search" />
        <CheckInput label={t('duty.followUpOnly')} checked={followUpOnly} onChange={setFollowUpOnly} />
        <CheckInput label={t('duty.manualOnly')} checked={manualOnly} onChange={setManualOnly} />
        <Box sx={{ flex: 1 }} />
        <Button variant="outlined" onClick={() => void exportCsv()} data-testid="duty-export">
          {t('duty.exportCsv')}
        </Button>
      </Box>
      <ErrorAlert error={call.error} />
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
                  {dayStamp(e.at)} {formatClock(e.at)}
                </TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{kindLabel(e.kind)}</TableCell>
                <TableCell>
                  {e.named?.[locale] ?? e.text}
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
                  {e.cameraId && (
                    <Chip
                      size="small"
                      sx={{ ml: 1 }}
                      label={text(site?.cameras.find((c) => c.id === e.cameraId)?.name) || e.cameraId}
                    />
                  )}
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
        <Button onClick={() => void run(() => duty.more())} data-testid="duty-more">
          {t('duty.more')}
        </Button>
      )}
    </ToolDialog>
  );
}
