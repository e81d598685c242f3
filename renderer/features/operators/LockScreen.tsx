import { Alert, Box, Button, Paper, TextField, Typography } from '@mui/material';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { compareAlarms } from '../../../shared/domain/alarm-lifecycle';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { PRIORITY_COLOURS } from '../../ui/theme';
import { formatClock, useText } from '../../ui/hooks';
import { CredentialFields, errorText } from './SignIn';

const ACTIVITY = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;

/**
 * Locks the console after `lockAfterMin` minutes without input, and on Ctrl+Shift+L. Locking covers the
 * console; it does not sign anyone out, so alarms keep arriving, sounding and escalating.
 */
export function useIdleLock(): void {
  const model = useConsole();
  const auth = useStore(model.auth);
  const operator = useStore(model.operator);
  useEffect(() => {
    if (!operator || !auth) return;
    const ms = auth.lockAfterMin * 60_000;
    let timer = window.setTimeout(() => model.locked.set(true), ms);
    const activity = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => model.locked.set(true), ms);
    };
    const key = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.shiftKey && e.key.toLowerCase() === 'l') {
        e.preventDefault();
        model.locked.set(true);
      }
    };
    for (const name of ACTIVITY) window.addEventListener(name, activity, { passive: true });
    window.addEventListener('keydown', key);
    return () => {
      window.clearTimeout(timer);
      for (const name of ACTIVITY) window.removeEventListener(name, activity);
      window.removeEventListener('keydown', key);
    };
  }, [model, auth, operator]);
}

/**
 * The lock screen. It shows what is waiting in the alarm queue (the five most urgent, with a count), so an
 * operator walking back in sees a fire alarm without unlocking; the tones keep playing underneath.
 */
export function LockScreen() {
  const { t } = useTranslation();
  const model = useConsole();
  const locked = useStore(model.locked);
  const operator = useStore(model.operator);
  const alarms = useStore(model.alarms);
  const site = useStore(model.site);
  const text = useText();
  const [password, setPassword] = useState('');
  const [other, setOther] = useState(false);
  const [username, setUsername] = useState('');
  const [error, setError] = useState('');
  const waiting = useMemo(
    () =>
      Object.values(alarms)
        .filter((a) => a.state === 'new' && !a.held)
        .sort(compareAlarms),
    [alarms],
  );
  if (!locked || !operator) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      if (other) {
        await model.signedIn(await model.client.call('auth.login', { username, password }));
      } else {
        await model.client.call('auth.unlock', { password });
        model.locked.set(false);
      }
      setPassword('');
      setUsername('');
      setOther(false);
    } catch (err) {
      setError(errorText(err));
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
        <Typography color="text.secondary">{t('duty.lockedBy', { name: operator.name })}</Typography>
        <Typography variant="body2" color="text.secondary">
          {t('duty.unlockHint')}
        </Typography>
        {other ? (
          <CredentialFields
            prefix="lock"
            username={username}
            password={password}
            onUsername={setUsername}
            onPassword={setPassword}
            autoFocus
          />
        ) : (
          <TextField
            label={t('duty.password')}
            type="password"
            value={password}
            autoFocus
            onChange={(e) => setPassword(e.target.value)}
            slotProps={{ htmlInput: { 'data-testid': 'lock-password' } }}
          />
        )}
        {error && (
          <Alert severity="error" data-testid="lock-error">
            {error}
          </Alert>
        )}
        <Button type="submit" variant="contained" size="large" disabled={!password} data-testid="lock-submit">
          {other ? t('duty.login') : t('duty.unlock')}
        </Button>
        <Button onClick={() => setOther((v) => !v)} data-testid="lock-other">
          {other ? t('duty.unlock') : t('duty.otherOperator')}
        </Button>
      </Paper>
    </Box>
  );
}
