import { Box, Button, Paper, Typography } from '@mui/material';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from '../../api/store';
import { ErrorAlert } from '../../ui/dialogs';
import { TextInput } from '../../ui/fields';
import { formatClock, useText } from '../../ui/hooks';
import { PRIORITY_COLOURS } from '../../ui/theme';
import { useCall } from '../../ui/useCall';
import { useWaitingAlarms } from '../alarms';
import { useSystem } from '../system';
import { CredentialFields, NO_CREDENTIALS } from './CredentialFields';
import { useOperators } from './store';

const ACTIVITY = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;

/**
 * Locks the console after `lockAfterMin` minutes without input, and on Ctrl+Shift+L. Locking covers the
 * console; it does not sign anyone out, so alarms keep arriving, sounding and escalating.
 */
export function useIdleLock(): void {
  const operators = useOperators();
  const auth = useStore(operators.auth);
  const operator = useStore(operators.operator);
  useEffect(() => {
    if (!operator || !auth) return;
    const ms = auth.lockAfterMin * 60_000;
    let timer = window.setTimeout(operators.lock, ms);
    const activity = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(operators.lock, ms);
    };
    const key = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.shiftKey && e.key.toLowerCase() === 'l') {
        e.preventDefault();
        operators.lock();
      }
    };
    for (const name of ACTIVITY) window.addEventListener(name, activity, { passive: true });
    window.addEventListener('keydown', key);
    return () => {
      window.clearTimeout(timer);
      for (const name of ACTIVITY) window.removeEventListener(name, activity);
      window.removeEventListener('keydown', key);
    };
  }, [operators, auth, operator]);
}

/**
 * The lock screen. It shows what is waiting in the alarm queue (the five most urgent, with a count), so an
 * operator walking back in sees a fire alarm without unlocking; the tones keep playing underneath.
 */
export function LockScreen() {
  const operators = useOperators();
  const locked = useStore(operators.locked);
  const operator = useStore(operators.operator);
  // The waiting alarms are read only while locked: unlocked, a flood's every batch would sort the whole queue here
  // for a screen nobody sees.
  return locked && operator ? <Locked name={operator.name} /> : null;
}

function Locked({ name }: { name: string }) {
  const { t } = useTranslation();
  const operators = useOperators();
  const site = useStore(useSystem().site);
  const waiting = useWaitingAlarms();
  const text = useText();
  const call = useCall();
  const [credentials, setCredentials] = useState(NO_CREDENTIALS);
  const [other, setOther] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const done = await call.succeeds(() =>
      other ? operators.login(credentials) : operators.unlock(credentials.password),
    );
    if (done) {
      setCredentials(NO_CREDENTIALS);
      setOther(false);
    }
  };

  return (
    <Box
      data-testid="lock-screen"
      sx={{
        position: 'fixed',
        inset: 0,
        zIndex: 2000,
        bgcolor: 'rgba(5, 8, 12, 0.94)',
        display: 'grid',
        gridTemplateColumns: '1fr 420px',
        gap: 4,
        p: 6,
        alignItems: 'center',
      }}
    >
      <Box data-testid="lock-alarms" data-count={waiting.length}>
        <Typography
          variant="h4"
          sx={{ fontWeight: 700, mb: 2, color: waiting.length ? 'error.main' : 'text.secondary' }}
        >
          {waiting.length ? t('duty.lockAlarms', { count: waiting.length }) : t('duty.lockNoAlarms')}
        </Typography>
        {waiting.slice(0, 5).map((a) => (
          <Typography key={a.id} sx={{ fontSize: '1.4rem', mb: 1 }}>
            <Box component="span" sx={{ color: PRIORITY_COLOURS[a.priority], fontWeight: 700, mr: 1 }}>
              P{a.priority}
            </Box>
            {t(`alarmType.${a.type}`)} {text(site?.zones.find((z) => z.id === a.zone)?.name) || a.zone} ·{' '}
            {formatClock(a.receivedAt)}
          </Typography>
        ))}
      </Box>
      <Paper
        component="form"
        onSubmit={submit}
        sx={{ p: 3, display: 'flex', flexDirection: 'column', gap: 2 }}
      >
        <Typography variant="h5">{t('duty.locked')}</Typography>
        <Typography color="text.secondary">{t('duty.lockedBy', { name })}</Typography>
        <Typography variant="body2" color="text.secondary">
          {t('duty.unlockHint')}
        </Typography>
        {other ? (
          <CredentialFields prefix="lock" value={credentials} onChange={setCredentials} autoFocus />
        ) : (
          <TextInput
            size="medium"
            label={t('duty.password')}
            type="password"
            value={credentials.password}
            autoFocus
            onChange={(password) => setCredentials((c) => ({ ...c, password }))}
            testId="lock-password"
          />
        )}
        <ErrorAlert error={call.error} testId="lock-error" />
        <Button
          type="submit"
          variant="contained"
          size="large"
          disabled={!credentials.password}
          data-testid="lock-submit"
        >
          {other ? t('duty.login') : t('duty.unlock')}
        </Button>
        <Button onClick={() => setOther((v) => !v)} data-testid="lock-other">
          {other ? t('duty.unlock') : t('duty.otherOperator')}
        </Button>
      </Paper>
    </Box>
  );
}
