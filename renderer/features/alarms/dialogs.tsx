import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  MenuItem,
  Radio,
  RadioGroup,
  TextField,
  Typography,
} from '@mui/material';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmView } from '../../../shared/contract';
import { ALARM_TYPES, type AlarmType } from '../../../shared/domain/alarm';
import { DISPOSITIONS, type Disposition } from '../../../shared/domain/alarm-lifecycle';
import type { SiteView } from '../../../shared/contract';
import { useText } from '../../ui/hooks';

/** Enter submits, Shift+Enter starts a new line: the dialogs are used without the mouse. */
function submitOnEnter(e: React.KeyboardEvent) {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    (e.target as HTMLElement).closest('form')?.requestSubmit();
  }
}

function FormDialog(props: {
  open: boolean;
  title: string;
  testId: string;
  onClose(): void;
  onSubmit(): void;
  canSubmit: boolean;
  children: React.ReactNode;
}) {
  const { t } = useTranslation();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (props.canSubmit) props.onSubmit();
  };
  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="sm" data-testid={props.testId}>
      <form onSubmit={submit}>
        <DialogTitle>{props.title}</DialogTitle>
        <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2, pt: '8px !important' }}>
          {props.children}
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>{t('alarms.cancel')}</Button>
          <Button type="submit" variant="contained" disabled={!props.canSubmit} data-testid="dialog-submit">
            {t('alarms.submit')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

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
      <TextField
        label={t('alarms.note')}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        multiline
        minRows={2}
        slotProps={{ htmlInput: { 'data-testid': 'resolve-note', maxLength: 2000 } }}
        onKeyDown={submitOnEnter}
      />
    </FormDialog>
  );
}

/** A one-field dialog: a note on an alarm, or a reason (reopen, mute). */
export function TextDialog(props: {
  open: boolean;
  title: string;
  label: string;
  testId: string;
  min: number;
  onClose(): void;
  onSubmit(text: string): void;
}) {
  const [text, setText] = useState('');
  const close = () => {
    setText('');
    props.onClose();
  };
  return (
    <FormDialog
      open={props.open}
      title={props.title}
      testId={props.testId}
      onClose={close}
      canSubmit={text.trim().length >= props.min}
      onSubmit={() => {
        props.onSubmit(text.trim());
        close();
      }}
    >
      <TextField
        autoFocus
        label={props.label}
        value={text}
        onChange={(e) => setText(e.target.value)}
        slotProps={{ htmlInput: { 'data-testid': `${props.testId}-text`, maxLength: 2000 } }}
      />
    </FormDialog>
  );
}

/** A resident phones in: type, zone, what was reported. */
export function ManualAlarmDialog(props: {
  open: boolean;
  site: SiteView | null;
  onClose(): void;
  onRaise(input: { type: AlarmType; zone?: string; text: string; cameras: string[] }): void;
}) {
  const { t } = useTranslation();
  const text = useText();
  const [type, setType] = useState<AlarmType>('manual');
  const [zone, setZone] = useState('');
  const [what, setWhat] = useState('');
  const close = () => {
    setType('manual');
    setZone('');
    setWhat('');
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
        const cameras = props.site?.cameras.filter((c) => c.zone && c.zone === zone).map((c) => c.id) ?? [];
        props.onRaise({ type, text: what.trim(), cameras: cameras.slice(0, 4), ...(zone ? { zone } : {}) });
        close();
      }}
    >
      <Box sx={{ display: 'flex', gap: 2 }}>
        <TextField
          select
          label={t('alarms.allTypes')}
          value={type}
          onChange={(e) => setType(e.target.value as AlarmType)}
          sx={{ flex: 1 }}
        >
          {ALARM_TYPES.filter((x) => x !== 'camera_offline' && x !== 'patrol_missed').map((x) => (
            <MenuItem key={x} value={x}>
              {t(`alarmType.${x}`)}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label={t('alarms.where')}
          value={zone}
          onChange={(e) => setZone(e.target.value)}
          sx={{ flex: 1 }}
        >
          <MenuItem value="">—</MenuItem>
          {(props.site?.zones ?? []).map((z) => (
            <MenuItem key={z.id} value={z.id}>
              {text(z.name)}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      <TextField
        autoFocus
        label={t('alarms.manualText')}
        value={what}
        onChange={(e) => setWhat(e.target.value)}
        onKeyDown={submitOnEnter}
        multiline
        minRows={2}
        slotProps={{ htmlInput: { 'data-testid': 'manual-text', maxLength: 500 } }}
      />
    </FormDialog>
  );
}

/** Supervisor: hold back less urgent alarms during a flood; the core refuses anyone else and says so. */
export function DisasterDialog(props: {
  open: boolean;
  on: boolean;
  onClose(): void;
  onSubmit(on: boolean, holdFromPriority: number, reason: string): void;
}) {
  const { t } = useTranslation();
  const [priority, setPriority] = useState(4);
  const [reason, setReason] = useState('');
  const close = () => {
    setReason('');
    props.onClose();
  };
  return (
    <FormDialog
      open={props.open}
      title={t('alarms.disasterTitle')}
      testId="disaster-dialog"
      onClose={close}
      canSubmit={reason.trim().length >= 2}
      onSubmit={() => {
        props.onSubmit(!props.on, priority, reason.trim());
        close();
      }}
    >
      {!props.on && (
        <TextField
          select
          label={t('alarms.allPriorities')}
          value={priority}
          onChange={(e) => setPriority(Number(e.target.value))}
        >
          {[2, 3, 4, 5].map((p) => (
            <MenuItem key={p} value={p}>
              {t('alarms.holdFrom', { p })}
            </MenuItem>
          ))}
        </TextField>
      )}
      <TextField
        autoFocus
        label={t('alarms.reason')}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        onKeyDown={submitOnEnter}
        slotProps={{ htmlInput: { 'data-testid': 'disaster-reason', maxLength: 500 } }}
      />
      <Typography variant="body2" color="text.secondary">
        {props.on ? t('alarms.disasterOff') : t('alarms.disasterOn')}
      </Typography>
    </FormDialog>
  );
}
