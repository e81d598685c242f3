import {
  Alert,
  Box,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GuardDeviceView, MethodOutput } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { ErrorAlert, InlineForm, ToolDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { formatClock, useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { useSystem } from '../system';

type Issued = MethodOutput<'guards.issueDevice'>;

/** Text a person copies into a phone (or a QR generator): selectable at once, with a copy button. */
function CopyLine(props: { label: string; value: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
      <Typography variant="body2" color="text.secondary" sx={{ minWidth: 90 }}>
        {props.label}
      </Typography>
      <Box
        component="code"
        data-testid={props.testId}
        sx={{ flex: 1, userSelect: 'all', wordBreak: 'break-all', fontSize: '0.95rem' }}
      >
        {props.value}
      </Box>
      <Button size="small" onClick={() => void navigator.clipboard?.writeText(props.value).catch(() => {})}>
        {t('siteMap.phones.copy')}
      </Button>
    </Box>
  );
}

/**
 * The phones allowed to report guards' positions, for supervisors: issue a phone its secret device id (shown
 * once, with Traccar Client setup links), see when and from where each was last heard, revoke one.
 */
export function PhonesDialog(props: { onClose(): void }) {
  const { t } = useTranslation();
  const text = useText();
  const client = useClient();
  const site = useStore(useSystem().site);
  const call = useCall();
  const { run } = call;
  const [devices, setDevices] = useState<GuardDeviceView[]>([]);
  const [guardId, setGuardId] = useState('');
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<Issued | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const guards = site?.guards ?? [];
  const guardName = (id: string) => {
    const g = guards.find((x) => x.id === id);
    return g ? text(g.name) : id;
  };

  useEffect(() => {
    let cancelled = false;
    void run(() => client.call('guards.devices')).then((r) => {
      if (r && !cancelled) setDevices(r.devices);
    });
    return () => {
      cancelled = true;
    };
  }, [client, run]);

  const issue = async () => {
    const made = await run(() => client.call('guards.issueDevice', { guardId, label }));
    if (!made) return;
    setIssued(made);
    setDevices((prev) => [...prev, made.device]);
    setLabel('');
  };
  const revoke = async (id: string) => {
    setConfirming(null);
    if (await call.succeeds(() => client.call('guards.revokeDevice', { id }))) {
      setDevices((prev) => prev.filter((d) => d.id !== id));
    }
  };

  return (
    <ToolDialog
      title={t('siteMap.phones.title')}
      testId="phones"
      onClose={props.onClose}
      contentSx={{ display: 'flex', flexDirection: 'column', gap: 2 }}
    >
      <Typography variant="body2" color="text.secondary">
        {t('siteMap.phones.hint')}
      </Typography>
      {issued && (
        <Alert severity="warning" data-testid="phone-issued" sx={{ '& .MuiAlert-message': { flex: 1 } }}>
          <Typography sx={{ fontWeight: 600 }}>
            {t('siteMap.phones.issuedTitle', { label: issued.device.label })}
          </Typography>
          <Typography variant="body2" sx={{ mb: 1 }}>
            {t('siteMap.phones.issuedHint')}
          </Typography>
          <CopyLine label={t('siteMap.phones.deviceId')} value={issued.deviceId} testId="phone-secret" />
          {issued.links.map((link) => (
            <CopyLine key={link} label={t('siteMap.phones.link')} value={link} testId="phone-link" />
          ))}
          {issued.noLinks && (
            <Typography variant="body2" data-testid="phone-no-links">
              {t(
                issued.noLinks === 'endpoint-off'
                  ? 'siteMap.phones.noLinksEndpointOff'
                  : 'siteMap.phones.noLinksNoAddress',
              )}
            </Typography>
          )}
        </Alert>
      )}
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>{t('siteMap.phones.guard')}</TableCell>
            <TableCell>{t('siteMap.phones.label')}</TableCell>
            <TableCell>{t('siteMap.phones.origin')}</TableCell>
            <TableCell>{t('siteMap.phones.issued')}</TableCell>
            <TableCell>{t('siteMap.phones.lastSeen')}</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {devices.length === 0 && (
            <TableRow>
              <TableCell colSpan={6}>{t('siteMap.phones.none')}</TableCell>
            </TableRow>
          )}
          {devices.map((d) => (
            <TableRow key={d.id} data-testid="phone-row" data-device-id={d.id}>
              <TableCell>{guardName(d.guardId)}</TableCell>
              <TableCell>{d.label}</TableCell>
              <TableCell>{t(`siteMap.phones.origin_${d.origin}`)}</TableCell>
              <TableCell>
                {d.issuedAt !== undefined ? `${formatClock(d.issuedAt, false)} · ${d.issuedBy ?? ''}` : '—'}
              </TableCell>
              <TableCell>
                {d.lastSeenAt !== undefined
                  ? `${formatClock(d.lastSeenAt, false)} · ${d.lastAddress ?? ''}`
                  : t('siteMap.phones.never')}
              </TableCell>
              <TableCell>
                {d.origin === 'console' && (
                  <Button
                    size="small"
                    color={confirming === d.id ? 'error' : 'inherit'}
                    data-testid="phone-revoke"
                    onClick={() => (confirming === d.id ? void revoke(d.id) : setConfirming(d.id))}
                  >
                    {t(confirming === d.id ? 'siteMap.phones.revokeConfirm' : 'siteMap.phones.revoke')}
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <InlineForm onSubmit={issue} columns="1fr 1fr auto" testId="phone-issue-form">
        <SelectInput
          size="small"
          label={t('siteMap.phones.guard')}
          value={guardId}
          onChange={setGuardId}
          options={guards.map((g) => ({ value: g.id, label: text(g.name), testId: `phone-guard-${g.id}` }))}
          displayTestId="phone-guard"
        />
        <TextInput
          size="small"
          label={t('siteMap.phones.label')}
          value={label}
          onChange={setLabel}
          maxLength={40}
          testId="phone-label"
        />
        <Button
          type="submit"
          variant="contained"
          data-testid="phone-issue"
          disabled={!guardId || !label.trim() || call.busy}
        >
          {t('siteMap.phones.issue')}
        </Button>
      </InlineForm>
      <ErrorAlert error={call.error} />
    </ToolDialog>
  );
}
