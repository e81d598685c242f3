import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodInput } from '../../../shared/contract';
import { FormDialog } from '../../ui/dialogs';
import { TextInput } from '../../ui/fields';
import { useCall } from '../../ui/useCall';

export type Credentials = MethodInput<'auth.login'>;
export const NO_CREDENTIALS: Credentials = { username: '', password: '' };

/** User name + password; used by sign-in, switch operator, the second operator, the lock screen, the handover. */
export function CredentialFields(props: {
  prefix: string;
  value: Credentials;
  onChange(value: Credentials): void;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextInput
        size="medium"
        label={t('duty.username')}
        value={props.value.username}
        onChange={(username) => props.onChange({ ...props.value, username })}
        autoFocus={props.autoFocus}
        autoComplete="username"
        testId={`${props.prefix}-username`}
      />
      <TextInput
        size="medium"
        label={t('duty.password')}
        type="password"
        value={props.value.password}
        onChange={(password) => props.onChange({ ...props.value, password })}
        autoComplete="current-password"
        testId={`${props.prefix}-password`}
      />
    </>
  );
}

/** A user name + password dialog: the second operator signing on, or switching who works this console. */
export function CredentialDialog(props: {
  open: boolean;
  title: string;
  testId: string;
  onClose(): void;
  onSubmit(credentials: Credentials): Promise<unknown>;
}) {
  const { t } = useTranslation();
  const call = useCall();
  const [credentials, setCredentials] = useState(NO_CREDENTIALS);
  const close = () => {
    setCredentials(NO_CREDENTIALS);
    call.clear();
    props.onClose();
  };
  return (
    <FormDialog
      open={props.open}
      title={props.title}
      testId={props.testId}
      maxWidth="xs"
      onClose={close}
      canSubmit={Boolean(credentials.username && credentials.password)}
      error={call.error}
      submitLabel={t('duty.login')}
      submitTestId={`${props.testId}-submit`}
      onSubmit={async () => {
        if (await call.succeeds(() => props.onSubmit(credentials))) close();
      }}
    >
      <CredentialFields prefix={props.testId} value={credentials} onChange={setCredentials} autoFocus />
    </FormDialog>
  );
}
