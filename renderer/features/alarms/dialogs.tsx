import { Box, FormControlLabel, Radio, RadioGroup, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmView, MethodInput } from '../../../shared/contract';
import { ALARM_TYPES, type AlarmType } from '../../../shared/domain/alarm';
import { DISPOSITIONS, type Disposition } from '../../../shared/domain/alarm-lifecycle';
import { useStore } from '../../api/store';
import { FormDialog, TextDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useForm } from '../../ui/form';
import { useCall } from '../../ui/useCall';
import { useSystem, ZoneSelect } from '../system';
import { useAlarms } from './store';

/** Resolve: a disposition (keys 1–4 pick one) and a note, both required. */
export function ResolveDialog(props: {
  alarm: AlarmView | undefined;
  onClose(): void;
  onResolve(disposition: Disposition, note: string): void;
}) {
  const { t } = useTranslation();
  const [disposition, setDisposition] = useState<Disposition | ''>('');
  const [note, setNote] = useState('');
  const close = () => {
    setDisposition('');
    setNote('');
    props.onClose();
  };
  return (
    <FormDialog
      open={Boolean(props.alarm)}
      title={`${t('alarms.resolve')} — ${props.alarm ? t(`alarmType.${props.alarm.type}`) : ''}`}
      testId="resolve-dialog"
      onClose={close}
      canSubmit={disposition !== '' && note.trim().length >= 2}
      onSubmit={() => {
        if (disposition) props.onResolve(disposition, note.trim());
        close();
      }}
    >
      <Typography variant="subtitle2">{t('alarms.disposition')}</Typography>
      <RadioGroup
        row
        value={disposition}
        onChange={(e) => setDisposition(e.target.value as Disposition)}
        onKeyDown={(e) => {
          const pick = DISPOSITIONS[Number(e.key) - 1];
          if (pick) setDisposition(pick);
        }}
      >
        {DISPOSITIONS.map((d, i) => (
          <FormControlLabel
            key={d}
            value={d}
            control={
              <Radio
                autoFocus={i === 0}
                slotProps={{ input: { 'data-testid': `disposition-${d}` } as object }}
              />
            }
            label={`${i + 1} ${t(`disposition.${d}`)}`}
          />
        ))}
      </RadioGroup>
      <TextInput
        label={t('alarms.note')}
        value={note}
        onChange={setNote}
        multiline
        minRows={2}
        enterSubmits
        testId="resolve-note"
        maxLength={2000}
      />
    </FormDialog>
  );
}

/** Resolve (R) and add a note (N) to one alarm: the queue's cursor or the opened alarm. */
export function ResolveAndNoteDialogs(props: {
  alarm: AlarmView | undefined;
  open: 'resolve' | 'note' | null;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const alarms = useAlarms();
  const { run } = useCall('notice');
  const id = props.alarm?.id;
  return (
    <>
      <ResolveDialog
        alarm={props.open === 'resolve' ? props.alarm : undefined}
        onClose={props.onClose}
        onResolve={(disposition, note) => id && void run(() => alarms.resolve(id, disposition, note))}
      />
      <TextDialog
        open={props.open === 'note'}
        title={t('alarms.addNote')}
        label={t('alarms.noteOnly')}
        testId="note-dialog"
        min={1}
        onClose={props.onClose}
        onSubmit={(note) => id && void run(() => alarms.note(id, note))}
      />
    </>
  );
}

/** A resident phones in: type, zone, what was reported; the zone's cameras go with it. */
export function ManualAlarmDialog(props: {
  open: boolean;
  onClose(): void;
  onRaise(input: MethodInput<'alarms.raise'>): void;
}) {
  const { t } = useTranslation();
  const site = useStore(useSystem().site);
  const form = useForm({ type: 'manual' as AlarmType, zone: '', what: '' });
  const { type, zone, what } = form.values;
  const close = () => {
    form.reset();
    props.onClose();
  };
  return (
    <FormDialog
      open={props.open}
      title={t('alarms.manualTitle')}
      testId="manual-dialog"
      onClose={close}
      canSubmit={what.trim().length >= 2}
      onSubmit={() => {
        const cameras = site?.cameras.filter((c) => c.zone && c.zone === zone).map((c) => c.id) ?? [];
        props.onRaise({ type, text: what.trim(), cameras: cameras.slice(0, 4), ...(zone ? { zone } : {}) });
        close();
      }}
    >
      <Box sx={{ display: 'flex', gap: 2 }}>
        <SelectInput
          label={t('alarms.allTypes')}
          {...form.field('type')}
          sx={{ flex: 1 }}
          options={ALARM_TYPES.filter(
            (x) =>
              x !== 'camera_offline' &&
              x !== 'patrol_missed' &&
              x !== 'device_offline' &&
              x !== 'visitor_overstay' &&
              x !== 'facility_overdue' &&
              x !== 'post_unmanned',
          ).map((x) => ({
            value: x,
            label: t(`alarmType.${x}`),
          }))}
        />
        <ZoneSelect label={t('alarms.where')} {...form.field('zone')} />
      </Box>
      <TextInput
        autoFocus
        label={t('alarms.manualText')}
        {...form.field('what')}
        enterSubmits
        multiline
        minRows={2}
        testId="manual-text"
        maxLength={500}
      />
    </FormDialog>
  );
}

/** Supervisor: hold back less urgent alarms during a flood; the core refuses anyone else and says so. */
export function DisasterDialog(props: {
  open: boolean;
  on: boolean;
  onClose(): void;
  onSubmit(input: MethodInput<'alarms.setDisasterMode'>): void;
}) {
  const { t } = useTranslation();
  const form = useForm({ priority: 4, reason: '' });
  const close = () => {
    form.set((values) => ({ ...values, reason: '' }));
    props.onClose();
  };
  return (
    <FormDialog
      open={props.open}
      title={t('alarms.disasterTitle')}
      testId="disaster-dialog"
      onClose={close}
      canSubmit={form.values.reason.trim().length >= 2}
      onSubmit={() => {
        props.onSubmit({
          on: !props.on,
          holdFromPriority: form.values.priority,
          reason: form.values.reason.trim(),
        });
        close();
      }}
    >
      {!props.on && (
        <SelectInput
          label={t('alarms.allPriorities')}
          {...form.field('priority')}
          options={[2, 3, 4, 5].map((p) => ({ value: p, label: t('alarms.holdFrom', { p }) }))}
        />
      )}
      <TextInput
        autoFocus
        label={t('alarms.reason')}
        {...form.field('reason')}
        enterSubmits
        testId="disaster-reason"
        maxLength={500}
      />
      <Typography variant="body2" color="text.secondary">
        {props.on ? t('alarms.disasterOff') : t('alarms.disasterOn')}
      </Typography>
    </FormDialog>
  );
}
