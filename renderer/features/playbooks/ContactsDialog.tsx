import { Alert, Box, Button, Chip, FormControlLabel, Switch, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactView, PhoneSettings } from '../../../shared/contract';
import { CONTACT_KINDS } from '../../../shared/domain/site';
import { useStore } from '../../api/store';
import { type DialogHandle, InlineForm, ToolDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useText } from '../../ui/hooks';
import { fieldsOf } from '../../ui/form';
import { useCall } from '../../ui/useCall';
import { useHasRole } from '../operators';
import { usePlaybooks } from './store';

/** A contact as edited: one name and note in the operator's language. */
type Draft = Pick<ContactView, 'id' | 'kind' | 'number'> & { name: string; notes: string };

/** A contact being added or changed: name, kind, number and notes. */
function DraftForm(props: { draft: Draft; onChange(draft: Draft): void; onSave(): unknown }) {
  const { t } = useTranslation();
  const field = fieldsOf(props.draft, props.onChange);
  return (
    <InlineForm onSubmit={props.onSave} columns="2fr 1fr 1fr 2fr auto">
      <TextInput label={t('playbooks.contacts.name')} {...field('name')} />
      <SelectInput
        label={t('playbooks.contacts.kind')}
        {...field('kind')}
        options={CONTACT_KINDS.map((k) => ({ value: k, label: t(`contactKind.${k}`) }))}
      />
      <TextInput label={t('playbooks.contacts.number')} {...field('number')} />
      <TextInput label={t('playbooks.contacts.notes')} {...field('notes')} />
      <Button type="submit" variant="contained" disabled={!props.draft.name || !props.draft.number}>
        {t('playbooks.contacts.save')}
      </Button>
    </InlineForm>
  );
}

/** The contact directory; supervisors add, change and remove contacts and set the softphone hand-over. */
export function ContactsDialog(props: DialogHandle) {
  const { t } = useTranslation();
  const store = usePlaybooks();
  const dir = useStore(store.directory);
  const text = useText();
  const { run, succeeds } = useCall('notice');
  const supervisor = useHasRole('supervisor');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [edited, setPhone] = useState<PhoneSettings | null>(null);
  const phone = edited ?? dir?.phone ?? { uriTemplate: 'tel:{number}', callbackNumber: '', enabled: true };
  const phoneField = fieldsOf(phone, setPhone);

  const save = async () => {
    if (!draft) return;
    const { notes, ...contact } = draft;
    if (await succeeds(() => store.saveContact({ ...contact, ...(notes ? { notes } : {}) }))) setDraft(null);
  };

  return (
    <ToolDialog {...props} testId="contacts-dialog" title={t('playbooks.contacts.title')}>
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
              <Button size="small" color="error" onClick={() => void run(() => store.removeContact(c.id))}>
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
      {draft && <DraftForm draft={draft} onChange={setDraft} onSave={save} />}
      <Typography variant="subtitle2" sx={{ mt: 1 }}>
        {t('playbooks.contacts.phone')}
      </Typography>
      <Box sx={{ display: 'grid', gridTemplateColumns: '2fr 1fr auto auto', gap: 1, alignItems: 'center' }}>
        <TextInput
          disabled={!supervisor}
          label={t('playbooks.contacts.uriTemplate')}
          {...phoneField('uriTemplate')}
        />
        <TextInput
          disabled={!supervisor}
          label={t('playbooks.contacts.callback')}
          {...phoneField('callbackNumber')}
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
          onClick={() => void run(() => store.setPhone(phone))}
        >
          {t('playbooks.contacts.save')}
        </Button>
      </Box>
    </ToolDialog>
  );
}
