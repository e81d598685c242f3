import { Alert, Box, Button, Chip, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CALL_OUTCOMES,
  type ContactView,
  type MethodInput,
  type PhoneSettings,
} from '../../../shared/contract';
import { softphoneUri } from '../../../shared/domain/playbook';
import { FormDialog } from '../../ui/dialogs';
import { TextInput } from '../../ui/fields';
import { useNow, useText } from '../../ui/hooks';
import { mmss } from './shared';

export type CallOutcome = MethodInput<'calls.record'>['outcome'];

/**
 * The call card: the number in large type, the script to read with the incident's details filled in, a
 * hand-over to the softphone (never in a drill), and the outcome to record. The call is timed from when the
 * card opens to when the outcome is recorded.
 */
export function CallCard(props: {
  open: boolean;
  contact: ContactView | undefined;
  script: string | undefined;
  phone: PhoneSettings | undefined;
  simulated: boolean;
  onClose(): void;
  onRecord(outcome: CallOutcome, note: string, startedAt: number): void;
}) {
  const { t } = useTranslation();
  const text = useText();
  const now = useNow(1000);
  // The card is mounted when opened: the call is timed from then.
  const [startedAt] = useState(() => Date.now());
  const [outcome, setOutcome] = useState<CallOutcome>('connected');
  const [note, setNote] = useState('');
  const c = props.contact;
  const uri =
    c && props.phone?.enabled && !props.simulated ? softphoneUri(props.phone.uriTemplate, c.number) : null;
  return (
    <FormDialog
      open={props.open}
      onClose={props.onClose}
      testId="call-card"
      title={
        <Box component="span" sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          {t('playbooks.callCard.title')} {c ? text(c.name) : ''}
          {props.simulated && (
            <Chip
              color="warning"
              label={t('playbooks.simulated')}
              data-testid="call-simulated"
              sx={{ fontWeight: 800 }}
            />
          )}
        </Box>
      }
      canSubmit={Boolean(c)}
      submitLabel={t('playbooks.callCard.record')}
      submitTestId="call-record"
      onSubmit={() => props.onRecord(outcome, note.trim(), startedAt)}
    >
      {!c ? (
        <Alert severity="error">{t('playbooks.contactMissing')}</Alert>
      ) : (
        <>
          <Typography
            data-testid="call-number"
            sx={{
              fontSize: '3.2rem',
              fontWeight: 900,
              letterSpacing: 2,
              lineHeight: 1.1,
              color: 'error.light',
            }}
          >
            {c.number}
          </Typography>
          {c.notes && <Typography color="text.secondary">{text(c.notes)}</Typography>}
          {props.simulated ? (
            <Alert severity="warning">{t('playbooks.callCard.simulatedNote')}</Alert>
          ) : uri ? (
            <Button
              component="a"
              href={uri}
              target="_blank"
              rel="noreferrer"
              variant="contained"
              color="error"
              data-testid="call-dial"
              sx={{ alignSelf: 'flex-start' }}
            >
              {t('playbooks.callCard.dial')}
            </Button>
          ) : (
            <Typography color="text.secondary">{t('playbooks.callCard.noSoftphone')}</Typography>
          )}
        </>
      )}
      {props.script && (
        <Box sx={{ border: 1, borderColor: 'divider', borderRadius: 1, p: 1.5 }}>
          <Typography variant="subtitle2" color="text.secondary">
            {t('playbooks.callCard.script')}
          </Typography>
          <Typography data-testid="call-script" sx={{ fontSize: '1.2rem', lineHeight: 1.6 }}>
            {props.script}
          </Typography>
        </Box>
      )}
      <Typography color="text.secondary" data-testid="call-elapsed">
        {t('playbooks.callCard.elapsed', { t: mmss(now - startedAt) })}
      </Typography>
      <Typography variant="subtitle2">{t('playbooks.callCard.outcome')}</Typography>
      <ToggleButtonGroup
        exclusive
        value={outcome}
        onChange={(_e, v: CallOutcome | null) => v && setOutcome(v)}
        size="small"
      >
        {CALL_OUTCOMES.map((o) => (
          <ToggleButton key={o} value={o} data-testid={`call-outcome-${o}`}>
            {t(`playbooks.callCard.${o}`)}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      <TextInput label={t('playbooks.notePlaceholder')} value={note} onChange={setNote} testId="call-note" />
    </FormDialog>
  );
}
