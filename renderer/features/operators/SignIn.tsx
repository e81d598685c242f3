import { Alert, Box, Button, Paper, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from '../../api/store';
import { ErrorAlert } from '../../ui/dialogs';
import { TextInput } from '../../ui/fields';
import { useLocale } from '../../ui/hooks';
import { setLocale } from '../../ui/i18n';
import { useCall } from '../../ui/useCall';
import { CredentialFields, NO_CREDENTIALS } from './CredentialFields';
import { useOperators } from './store';

/**
 * What a signed-out console shows: the first-start form (create the administrator; there is no default
 * password) or the sign-in form, with the reason when the core ended this window's sign-in. Nothing of the site is
 * shown before someone signs in.
 */
export function SignIn() {
  const { t } = useTranslation();
  const operators = useOperators();
  const auth = useStore(operators.auth);
  const ended = useStore(operators.ended);
  const locale = useLocale();
  const call = useCall();
  const [credentials, setCredentials] = useState(NO_CREDENTIALS);
  const [name, setName] = useState('');
  const [again, setAgain] = useState('');
  const setup = auth?.needsSetup ?? false;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (setup && credentials.password !== again) return call.fail(t('duty.passwordsDiffer'));
    const done = await call.succeeds(() =>
      setup ? operators.setup({ ...credentials, name }) : operators.login(credentials),
    );
    if (done) {
      setCredentials(NO_CREDENTIALS);
      setAgain('');
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
        {/* Why this window was signed out by the core (an administrator changed the account, ...). */}
        {ended && !setup && (
          <Alert severity="warning" data-testid="signin-ended" data-reason={ended}>
            {t(`duty.ended.${ended}`)}
          </Alert>
        )}
        {setup && (
          <TextInput
            size="medium"
            label={t('duty.name')}
            value={name}
            onChange={setName}
            testId="signin-name"
          />
        )}
        <CredentialFields prefix="signin" value={credentials} onChange={setCredentials} autoFocus />
        {setup && (
          <TextInput
            size="medium"
            label={t('duty.passwordAgain')}
            type="password"
            value={again}
            onChange={setAgain}
            testId="signin-password-again"
          />
        )}
        <ErrorAlert error={call.error} testId="signin-error" />
        <Button
          type="submit"
          variant="contained"
          size="large"
          disabled={call.busy || !credentials.username || !credentials.password || (setup && !name)}
          data-testid="signin-submit"
        >
          {setup ? t('duty.createAdmin') : t('duty.login')}
        </Button>
      </Paper>
    </Box>
  );
}
