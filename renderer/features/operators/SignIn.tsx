import { Alert, Box, Button, Paper, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { setLocale } from '../../ui/i18n';
import { useLocale } from '../../ui/hooks';

/** Turns a refused call into the sentence the core wrote (it names what to do). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** User name + password; used by sign-in, switch operator, the second operator and the lock screen. */
export function CredentialFields(props: {
  prefix: string;
  username: string;
  password: string;
  onUsername(v: string): void;
  onPassword(v: string): void;
  usernameLocked?: boolean;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        label={t('duty.username')}
        value={props.username}
        onChange={(e) => props.onUsername(e.target.value)}
        disabled={props.usernameLocked}
        autoFocus={props.autoFocus && !props.usernameLocked}
        autoComplete="username"
        slotProps={{ htmlInput: { 'data-testid': `${props.prefix}-username` } }}
      />
      <TextField
        label={t('duty.password')}
        type="password"
        value={props.password}
        onChange={(e) => props.onPassword(e.target.value)}
        autoFocus={props.autoFocus && props.usernameLocked}
        autoComplete="current-password"
        slotProps={{ htmlInput: { 'data-testid': `${props.prefix}-password` } }}
      />
    </>
  );
}

/**
 * What a signed-out console shows: the first-start form (create the administrator; there is no default
 * password) or the sign-in form. Nothing of the site is shown before someone signs in.
 */
export function SignIn() {
  const { t } = useTranslation();
  const model = useConsole();
  const auth = useStore(model.auth);
  const locale = useLocale();
  const [username, setUsername] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const setup = auth?.needsSetup ?? false;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    if (setup && password !== again) return setError(t('duty.passwordsDiffer'));
    setBusy(true);
    try {
      const result = setup
        ? await model.client.call('auth.setup', { username, name, password })
        : await model.client.call('auth.login', { username, password });
      setPassword('');
      setAgain('');
      await model.signedIn(result);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box sx={{ height: '100vh', display: 'grid', placeItems: 'center', bgcolor: '#0b1016' }}>
      <Paper
        component="form"
        onSubmit={submit}
        data-testid={setup ? 'first-start' : 'sign-in'}
        sx={{ width: 440, p: 4, display: 'flex', flexDirection: 'column', gap: 2 }}
      >
        <Box sx={{ display: 'flex', alignItems: 'baseline', justifyContent: 'space-between' }}>
          <Typography variant="h5" sx={{ fontWeight: 700 }}>
            {t('app.title')}
          </Typography>
          <Button size="small" onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}>
            {t('topbar.language')}
          </Button>
        </Box>
        <Typography variant="h6">{setup ? t('duty.setupTitle') : t('duty.signIn')}</Typography>
        {setup && <Typography color="text.secondary">{t('duty.setupHint')}</Typography>}
        {setup && (
          <TextField
            label={t('duty.name')}
            value={name}
            onChange={(e) => setName(e.target.value)}
            slotProps={{ htmlInput: { 'data-testid': 'signin-name' } }}
          />
        )}
        <CredentialFields
          prefix="signin"
          username={username}
          password={password}
          onUsername={setUsername}
          onPassword={setPassword}
          autoFocus
        />
        {setup && (
          <TextField
            label={t('duty.passwordAgain')}
            type="password"
            value={again}
            onChange={(e) => setAgain(e.target.value)}
            slotProps={{ htmlInput: { 'data-testid': 'signin-password-again' } }}
          />
        )}
        {error && (
          <Alert severity="error" data-testid="signin-error">
            {error}
          </Alert>
        )}
        <Button
          type="submit"
          variant="contained"
          size="large"
          disabled={busy || !username || !password || (setup && !name)}
          data-testid="signin-submit"
        >
          {setup ? t('duty.createAdmin') : t('duty.login')}
        </Button>
      </Paper>
    </Box>
  );
}
