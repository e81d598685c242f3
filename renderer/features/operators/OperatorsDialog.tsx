import {
  Alert,
  Box,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
} from '@mui/material';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type OperatorAccount, type Role } from '../../../shared/contract';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { formatClock } from '../../ui/hooks';
import { errorText } from './SignIn';

const EMPTY = {
  id: undefined as string | undefined,
  username: '',
  name: '',
  role: 'operator' as Role,
  password: '',
  active: true,
};

/** Accounts: supervisors see them; administrators add and change them (a new password lifts a lockout). */
export function OperatorsDialog(props: { onClose(): void }) {
  const { t } = useTranslation();
  const model = useConsole();
  const me = useStore(model.operator);
  const [accounts, setAccounts] = useState<OperatorAccount[]>([]);
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState('');
  const admin = me?.role === 'admin';

  const [version, setVersion] = useState(0);
  useEffect(() => {
    let cancelled = false;
    model.client.call('operators.list').then(
      ({ operators }) => {
        if (!cancelled) setAccounts(operators);
      },
      (err: unknown) => {
        if (!cancelled) setError(errorText(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [model, version]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      await model.client.call('operators.save', {
        ...(form.id ? { id: form.id } : {}),
        username: form.username,
        name: form.name,
        role: form.role,
        active: form.active,
        ...(form.password ? { password: form.password } : {}),
      });
      setForm(EMPTY);
      setVersion((v) => v + 1);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <Dialog open onClose={props.onClose} fullWidth maxWidth="md" data-testid="operators">
      <DialogTitle>{t('duty.operators')}</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
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
                <TableCell>
                  {a.active ? '✓' : '—'}
                  {a.lockedUntil
                    ? ` · ${t('duty.lockedUntil', { time: formatClock(a.lockedUntil, false) })}`
                    : ''}
                </TableCell>
                <TableCell>
                  {admin && (
                    <Button size="small" onClick={() => setForm({ ...a, id: a.id, password: '' })}>
                      {t('duty.save')}…
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {admin && (
          <Box
            component="form"
            onSubmit={save}
            sx={{
              display: 'grid',
              gridTemplateColumns: '1fr 1fr 160px 1fr auto auto',
              gap: 1,
              alignItems: 'center',
            }}
          >
            <TextField
              size="small"
              label={t('duty.username')}
              value={form.username}
              onChange={(e) => setForm((f) => ({ ...f, username: e.target.value }))}
              slotProps={{ htmlInput: { 'data-testid': 'account-username' } }}
            />
            <TextField
              size="small"
              label={t('duty.name')}
              value={form.name}
              onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))}
              slotProps={{ htmlInput: { 'data-testid': 'account-name' } }}
            />
            <TextField
              select
              size="small"
              label={t('duty.role')}
              value={form.role}
              onChange={(e) => setForm((f) => ({ ...f, role: e.target.value as Role }))}
            >
              {ROLES.map((r) => (
                <MenuItem key={r} value={r}>
                  {t(`duty.role_${r}`)}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              size="small"
              type="password"
              label={form.id ? t('duty.newPassword') : t('duty.password')}
              value={form.password}
              onChange={(e) => setForm((f) => ({ ...f, password: e.target.value }))}
              slotProps={{ htmlInput: { 'data-testid': 'account-password' } }}
            />
            <FormControlLabel
              control={
                <Checkbox
                  checked={form.active}
                  onChange={(e) => setForm((f) => ({ ...f, active: e.target.checked }))}
                />
              }
              label={t('duty.active')}
            />
            <Button
              type="submit"
              variant="contained"
              data-testid="account-save"
              disabled={!form.username || !form.name}
            >
              {form.id ? t('duty.save') : t('duty.addOperator')}
            </Button>
          </Box>
        )}
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>{t('duty.close')}</Button>
      </DialogActions>
    </Dialog>
  );
}
