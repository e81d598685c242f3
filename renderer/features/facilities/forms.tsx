/** The facilities tabs' form pieces: a person to phone, a zone, one note before an action. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../shared/contract';
import { useStore } from '../../api/store';
import { FormDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useText } from '../../ui/hooks';
import { useSystem } from '../system';

/** A number a person can be phoned on, as the contract takes it. */
const PHONE = /^[0-9+\-() ]{3,32}$/;
/** A name and a number that can be called: an assignee, a hazard's owner. */
export const callable = (c: Contact) => c.name.trim().length > 0 && PHONE.test(c.phone.trim());
export const trimmed = (c: Contact): Contact => ({ name: c.name.trim(), phone: c.phone.trim() });

/** A person's name and phone, two fields of a form: who repairs, who rectifies, who maintains. */
export function ContactInputs(props: {
  value: Contact;
  onChange(contact: Contact): void;
  labels: readonly [name: string, phone: string];
  testIds?: readonly [name: string, phone: string];
}) {
  const { value, onChange } = props;
  return (
    <>
      <TextInput
        label={props.labels[0]}
        testId={props.testIds?.[0]}
        value={value.name}
        onChange={(name) => onChange({ ...value, name })}
        maxLength={60}
      />
      <TextInput
        label={props.labels[1]}
        testId={props.testIds?.[1]}
        value={value.phone}
        onChange={(phone) => onChange({ ...value, phone })}
        maxLength={32}
      />
    </>
  );
}

/** A form's zone: one of the site's zones, or none. */
export function ZoneSelect(props: { value: string; onChange(zone: string): void; testId?: string }) {
  const { t } = useTranslation();
  const text = useText();
  const site = useStore(useSystem().site);
  return (
    <SelectInput
      label={t('facilities.field.zone')}
      testId={props.testId}
      value={props.value}
      onChange={props.onChange}
      empty={t('facilities.field.none')}
      options={(site?.zones ?? []).map((z) => ({ value: z.id, label: text(z.name) }))}
    />
  );
}

/**
 * One text asked for before an action (a refusal's reason, a follow-up note): at least `min` characters. It stays
 * open until the action went through, so a refused one can be corrected.
 */
export function NoteDialog(props: {
  title: string;
  label: string;
  testId: string;
  fieldTestId: string;
  min: number;
  maxLength: number;
  onClose(): void;
  onSubmit(note: string): Promise<void>;
}) {
  const [note, setNote] = useState('');
  return (
    <FormDialog
      open
      title={props.title}
      testId={props.testId}
      onClose={props.onClose}
      canSubmit={note.trim().length >= props.min}
      onSubmit={() => props.onSubmit(note.trim())}
    >
      <TextInput
        label={props.label}
        testId={props.fieldTestId}
        value={note}
        onChange={setNote}
        maxLength={props.maxLength}
        autoFocus
      />
    </FormDialog>
  );
}
