import {
  Alert,
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  MenuItem,
  Switch,
  TextField,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactView, PhoneSettings } from '../../../shared/contract';
import { CONTACT_KINDS } from '../../../shared/domain/site';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { useText } from '../../ui/hooks';
import { useAlarmActions } from '../alarms/useAlarmActions';
import { useDirectory } from './shared';

type Draft = { id: string; name: string; kind: ContactView['kind']; number: string; notes: string };

/** The contact directory; supervisors add, change and remove contacts and set the softphone hand-over. */
export function ContactsDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const model = useConsole();
  const operator = useStore(model.operator);
  const text = useText();
  const act = useAlarmActions();
  const dir = useDirectory(model);
  const supervisor = operator?.role === 'supervisor' || operator?.role === 'admin';
  const [draft, setDraft] = useState<Draft | null>(null);
  const [edited, setPhone] = useState<PhoneSettings | null>(null);
  const phone = edited ?? dir?.phone ?? { uriTemplate: 'tel:{number}', callbackNumber: '', enabled: true };

  const save = async () => {
    if (!draft) return;
    const ok = await act(() =>
      model.client.invoke('contacts.save', {
        id: draft.id,
        name: draft.name,
        kind: draft.kind,
        number: draft.number,
        ...(draft.notes ? { notes: draft.notes } : {}),
      }),
    );
    if (ok) setDraft(null);
  };

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="md" data-testid="contacts-dialog">
      <DialogTitle>{t('playbooks.contacts.title')}</DialogTitle>
      <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
        {!supervisor && <Alert severity="info">{t('playbooks.contacts.supervisorOnly')}</Alert>}
        {(dir?.contacts ?? []).map((c) => (
          <Box
            key={c.id}
            data-testid="directory-contact"
            sx={{ display: 'flex', alignItems: 'center', gap: 1 }}
          >
            <Typography sx={{ fontWeight: 800, fontSize: '1.2rem', minWidth: 150 }}>{c.number}</Typography>
            <Typography sx={{ flex: 1 }}>
              {text(c.name)}{' '}
              <Typography component="span" color="text.secondary">
                · {t(`contactKind.${c.kind}`)}
                {c.notes ? ` · ${text(c.notes)}` : ''}
              </Typography>
            </Typography>
            <Chip size="small" label={t(`playbooks.contacts.origin.${c.origin}`)} />
            {supervisor && (
              <>
                <Button
                  size="small"
                  onClick={() =>
                    setDraft({
                      id: c.id,
                      name: text(c.name),
                      kind: c.kind,
                      number: c.number,
                      notes: c.notes ? text(c.notes) : '',
                    })
                  }
                >
                  ✎
                </Button>
                <Button
                  size="small"
                  color="error"
                  onClick={() => void act(() => model.client.invoke('contacts.remove', { id: c.id }))}
                >
                  {t('playbooks.contacts.remove')}
                </Button>
              </>
            )}
          </Box>
        ))}
        {supervisor && !draft && (
          <Button
            sx={{ alignSelf: 'flex-start' }}
            onClick={() =>
              setDraft({
                id: `contact-${Date.now().toString(36)}`,
                name: '',
                kind: 'other',
                number: '',
                notes: '',
              })
            }
          >
            {t('playbooks.contacts.add')}
          </Button>
        )}
        {draft && (
          <Box
            sx={{
              display: 'grid',
              gridTemplateColumns: '2fr 1fr 1fr 2fr auto',
              gap: 1,
              alignItems: 'center',
            }}
          >
            <TextField
              size="small"
              label={t('playbooks.contacts.name')}
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            />
            <TextField
              select
              size="small"
              label={t('playbooks.contacts.kind')}
              value={draft.kind}
              onChange={(e) => setDraft({ ...draft, kind: e.target.value as Draft['kind'] })}
            >
              {CONTACT_KINDS.map((k) => (
                <MenuItem key={k} value={k}>
                  {t(`contactKind.${k}`)}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              size="small"
              label={t('playbooks.contacts.number')}
              value={draft.number}
              onChange={(e) => setDraft({ ...draft, number: e.target.value })}
            />
            <TextField
              size="small"
              label={t('playbooks.contacts.notes')}
              value={draft.notes}
              onChange={(e) => setDraft({ ...draft, notes: e.target.value })}
            />
            <Button variant="contained" disabled={!draft.name || !draft.number} onClick={() => void save()}>
              {t('playbooks.contacts.save')}
            </Button>
          </Box>
        )}
        <Typography variant="subtitle2" sx={{ mt: 1 }}>
          {t('playbooks.contacts.phone')}
        </Typography>
        <Box sx={{ display: 'grid', gridTemplateColumns: '2fr 1fr auto auto', gap: 1, alignItems: 'center' }}>
          <TextField
            size="small"
            disabled={!supervisor}
            label={t('playbooks.contacts.uriTemplate')}
            value={phone.uriTemplate}
            onChange={(e) => setPhone({ ...phone, uriTemplate: e.target.value })}
          />
          <TextField
            size="small"
            disabled={!supervisor}
            label={t('playbooks.contacts.callback')}
            value={phone.callbackNumber}
            onChange={(e) => setPhone({ ...phone, callbackNumber: e.target.value })}
          />
          <FormControlLabel
            label={t('playbooks.contacts.enabled')}
            control={
              <Switch
                disabled={!supervisor}
                checked={phone.enabled}
                onChange={(e) => setPhone({ ...phone, enabled: e.target.checked })}
              />
            }
          />
          <Button
            disabled={!supervisor}
            variant="outlined"
            onClick={() => void act(() => model.client.invoke('contacts.setPhone', phone))}
          >
            {t('playbooks.contacts.save')}
          </Button>
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('playbooks.close')}</Button>
      </DialogActions>
    </Dialog>
  );
}
