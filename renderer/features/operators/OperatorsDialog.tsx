import { Button, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type MethodInput, type OperatorAccount } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { ErrorAlert, InlineForm, ToolDialog } from '../../ui/dialogs';
import { CheckInput, SelectInput, TextInput } from '../../ui/fields';
import { useForm } from '../../ui/form';
import { useCall } from '../../ui/useCall';
import { useOperators } from './store';

type AccountForm = MethodInput<'operators.save'> & { password: string };
const EMPTY: AccountForm = { username: '', name: '', role: 'operator', password: '', active: true };

/**
 * Accounts: supervisors see them; administrators add and change them. Deactivating an account, changing its role
 * or setting its password signs it out of every open window at once.
 */
export function OperatorsDialog(props: { onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const me = useStore(useOperators().operator);
  const call = useCall();
  const [accounts, setAccounts] = useState<OperatorAccount[]>([]);
  const form = useForm<AccountForm>(EMPTY);
  const admin = me?.role === 'admin';
  const { run } = call;

  useEffect(() => {
    let cancelled = false;
    void run(() => client.call('operators.list')).then((r) => {
      if (r && !cancelled) setAccounts(r.operators);
    });
    return () => {
      cancelled = true;
    };
  }, [client, run]);

  const save = async () => {
    const { password, ...rest } = form.values;
    const saved = await call.run(() =>
      client.call('operators.save', { ...rest, ...(password ? { password } : {}) }),
    );
    if (!saved) return;
    setAccounts((prev) =>
      prev.some((a) => a.id === saved.id)
        ? prev.map((a) => (a.id === saved.id ? saved : a))
        : [...prev, saved],
    );
    form.reset();
  };

  return (
    <ToolDialog
      title={t('duty.operators')}
      testId="operators"
      onClose={props.onClose}
      contentSx={{ display: 'flex', flexDirection: 'column', gap: 2 }}
    >
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>{t('duty.username')}</TableCell>
            <TableCell>{t('duty.name')}</TableCell>
            <TableCell>{t('duty.role')}</TableCell>
            <TableCell>{t('duty.active')}</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {accounts.map((a) => (
            <TableRow key={a.id} data-testid="operator-row">
              <TableCell>{a.username}</TableCell>
              <TableCell>{a.name}</TableCell>
              <TableCell>{t(`duty.role_${a.role}`)}</TableCell>
              <TableCell>{a.active ? '✓' : '—'}</TableCell>
              <TableCell>
                {admin && (
                  <Button
                    size="small"
                    data-testid="account-edit"
                    onClick={() =>
                      form.set({
                        id: a.id,
                        username: a.username,
                        name: a.name,
                        role: a.role,
                        active: a.active,
                        password: '',
                      })
                    }
                  >
                    {t('duty.save')}…
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {admin && (
        <InlineForm onSubmit={save} columns="1fr 1fr 160px 1fr auto auto">
          <TextInput label={t('duty.username')} {...form.field('username')} testId="account-username" />
          <TextInput label={t('duty.name')} {...form.field('name')} testId="account-name" />
          <SelectInput
            label={t('duty.role')}
            {...form.field('role')}
            options={ROLES.map((r) => ({ value: r, label: t(`duty.role_${r}`) }))}
            testId="account-role"
          />
          <TextInput
            type="password"
            label={form.values.id ? t('duty.newPassword') : t('duty.password')}
            {...form.field('password')}
            testId="account-password"
          />
          <CheckInput
            label={t('duty.active')}
            checked={form.values.active ?? true}
            onChange={form.field('active').onChange}
            inputTestId="account-active"
          />
          <Button
            type="submit"
            variant="contained"
            data-testid="account-save"
            disabled={!form.values.username || !form.values.name}
          >
            {form.values.id ? t('duty.save') : t('duty.addOperator')}
          </Button>
        </InlineForm>
      )}
      <ErrorAlert error={call.error} testId="account-error" />
    </ToolDialog>
  );
}
