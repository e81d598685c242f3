import { Button, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type MethodInput, type OperatorAccount, type Role } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { ErrorAlert, InlineForm, ToolDialog } from '../../ui/dialogs';
import { CheckInput, SelectInput, TextInput } from '../../ui/fields';
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
  const [form, setForm] = useState<AccountForm>(EMPTY);
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
    const { password, ...rest } = form;
    const saved = await call.run(() =>
      client.call('operators.save', { ...rest, ...(password ? { password } : {}) }),
    );
    if (!saved) return;
    setAccounts((prev) =>
      prev.some((a) => a.id === saved.id)
        ? prev.map((a) => (a.id === saved.id ? saved : a))
        : [...prev, saved],
    );
    setForm(EMPTY);
  };
  const field = (key: 'username' | 'name' | 'password') => (value: string) =>
    setForm((f) => ({ ...f, [key]: value }));

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
                      setForm({
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
          <TextInput
            size="small"
            label={t('duty.username')}
            value={form.username}
            onChange={field('username')}
            testId="account-username"
          />
          <TextInput
            size="small"
            label={t('duty.name')}
            value={form.name}
            onChange={field('name')}
            testId="account-name"
          />
          <SelectInput
            size="small"
            label={t('duty.role')}
            value={form.role}
            onChange={(role: Role) => setForm((f) => ({ ...f, role }))}
            options={ROLES.map((r) => ({ value: r, label: t(`duty.role_${r}`) }))}
            testId="account-role"
          />
          <TextInput
            size="small"
            type="password"
            label={form.id ? t('duty.newPassword') : t('duty.password')}
            value={form.password}
            onChange={field('password')}
            testId="account-password"
          />
          <CheckInput
            label={t('duty.active')}
            checked={form.active ?? true}
            onChange={(active) => setForm((f) => ({ ...f, active }))}
            inputTestId="account-active"
          />
          <Button
            type="submit"
            variant="contained"
            data-testid="account-save"
            disabled={!form.username || !form.name}
          >
            {form.id ? t('duty.save') : t('duty.addOperator')}
          </Button>
        </InlineForm>
      )}
      <ErrorAlert error={call.error} testId="account-error" />
    </ToolDialog>
  );
}
