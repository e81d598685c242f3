import { Box, Chip, Menu, MenuItem, Tooltip, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from '../../api/store';
import { DialogButtons } from '../../ui/dialogs';
import { useCall } from '../../ui/useCall';
import { PhonesDialog } from '../guards';
import { CredentialDialog, OperatorsDialog, useOperators } from '../operators';
import { HandoverDialog, useShift } from '../shift';
import { openTraining, TrainingDialog } from '../training';
import { DutyLogDialog } from './DutyLogDialog';

type Open = 'log' | 'handover' | 'join' | 'switch' | 'operators' | 'phones' | null;

/**
 * The top bar's duty corner: who works this console and who is on duty (warning below two), the duty log
 * (Alt+L), handover (Alt+H), and the operator menu: second operator, switch, lock (Ctrl+Shift+L), accounts,
 * guards' phones, training and certificates, sign out.
 */
export function DutyMenu() {
  const { t } = useTranslation();
  const operators = useOperators();
  const shiftStore = useShift();
  const operator = useStore(operators.operator);
  const shift = useStore(shiftStore.shift);
  const { run } = useCall('notice');
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [open, setOpen] = useState<Open>(null);

  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const k = e.key.toLowerCase();
      if (k === 'l') setOpen('log');
      else if (k === 'h') setOpen('handover');
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, []);

  if (!operator) return null;
  const onDuty = shift?.onDuty ?? [];
  const menu = (what: Open) => () => {
    setAnchor(null);
    setOpen(what);
  };

  return (
    <>
      <Tooltip
        title={
          <Box>
            {onDuty.map((o) => (
              <div key={o.operator.id}>
                {o.operator.name} · {t(`duty.role_${o.operator.role}`)}
              </div>
            ))}
            {shift?.understaffed && <div>{t('duty.understaffedHint')}</div>}
          </Box>
        }
      >
        <Chip
          data-testid="on-duty"
          data-count={onDuty.length}
          color={shift?.understaffed ? 'warning' : 'default'}
          variant={shift?.understaffed ? 'filled' : 'outlined'}
          label={
            shift?.understaffed ? t('duty.understaffed') : t('duty.onDutyCount', { count: onDuty.length })
          }
          onClick={shift?.understaffed ? menu('join') : undefined}
          sx={{ fontSize: '0.95rem', height: 34 }}
        />
      </Tooltip>
      <DialogButtons
        variant="outlined"
        onOpen={setOpen}
        buttons={[
          ['log', t('duty.log'), 'duty-log-open'],
          ['handover', t('duty.handover'), 'handover-open'],
        ]}
      />
      <Box
        data-testid="operator"
        sx={{ textAlign: 'right', cursor: 'pointer' }}
        onClick={(e) => setAnchor(e.currentTarget)}
      >
        <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
          {t(`duty.role_${operator.role}`)} ▾
        </Typography>
        <Typography sx={{ fontWeight: 600 }} data-testid="operator-name">
          {operator.name}
        </Typography>
      </Box>
      <Menu anchorEl={anchor} open={Boolean(anchor)} onClose={() => setAnchor(null)} data-testid="duty-menu">
        <MenuItem onClick={menu('join')} data-testid="menu-join">
          {t('duty.joinShift')}
        </MenuItem>
        <MenuItem onClick={menu('switch')} data-testid="menu-switch">
          {t('duty.switchOperator')}
        </MenuItem>
        <MenuItem
          onClick={() => {
            setAnchor(null);
            operators.lock();
          }}
          data-testid="menu-lock"
        >
          {t('duty.lock')} (Ctrl+Shift+L)
        </MenuItem>
        {operator.role !== 'operator' && (
          <MenuItem onClick={menu('operators')} data-testid="menu-operators">
            {t('duty.operators')}
          </MenuItem>
        )}
        {operator.role !== 'operator' && (
          <MenuItem onClick={menu('phones')} data-testid="menu-phones">
            {t('siteMap.phones.title')}
          </MenuItem>
        )}
        <MenuItem
          onClick={() => {
            setAnchor(null);
            openTraining();
          }}
          data-testid="menu-training"
        >
          {t('training.open')}
        </MenuItem>
        {onDuty.some((o) => o.operator.id === operator.id) && (
          <MenuItem
            onClick={() => {
              setAnchor(null);
              void run(() => shiftStore.leave(operator.id));
            }}
          >
            {t('duty.leaveShift')}
          </MenuItem>
        )}
        <MenuItem
          data-testid="menu-logout"
          onClick={() => {
            setAnchor(null);
            void run(() => operators.logout());
          }}
        >
          {t('duty.logout')}
        </MenuItem>
      </Menu>
      <CredentialDialog
        open={open === 'join'}
        title={t('duty.joinShift')}
        testId="join"
        onClose={() => setOpen(null)}
        onSubmit={(credentials) => shiftStore.join(credentials)}
      />
      <CredentialDialog
        open={open === 'switch'}
        title={t('duty.switchOperator')}
        testId="switch"
        onClose={() => setOpen(null)}
        onSubmit={(credentials) => operators.login(credentials)}
      />
      <DutyLogDialog open={open === 'log'} onClose={() => setOpen(null)} />
      <HandoverDialog open={open === 'handover'} onClose={() => setOpen(null)} />
      {open === 'operators' && <OperatorsDialog onClose={() => setOpen(null)} />}
      {open === 'phones' && <PhonesDialog onClose={() => setOpen(null)} />}
      <TrainingDialog />
    </>
  );
}
