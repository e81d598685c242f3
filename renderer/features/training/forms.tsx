import { Box } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { CertificateView, TrainingPerson, TrainingRecordView } from '../../../shared/contract';
import {
  CERTIFICATE_KINDS,
  TRAINING_RESULTS,
  type CertificateKind,
  type TrainingResult,
} from '../../../shared/domain/training';
import { useClient } from '../../api/client';
import { FormDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useForm } from '../../ui/form';
import { useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';

/** Today in the browser's calendar: the form's starting date (the supervisor corrects it). */
const today = () => new Date().toLocaleDateString('sv-SE');

function usePeople(people: readonly TrainingPerson[]) {
  const { t } = useTranslation();
  const text = useText();
  return people.map((p) => ({
    value: `${p.kind}:${p.id}`,
    label: `${text(p.name)} · ${t(`training.personKind.${p.kind}`)}`,
  }));
}

/** The person a form starts with: the item's, or the first one offered. */
function personOf(
  item: { person: { kind: string; id: string } } | undefined,
  options: { value: string }[],
): string {
  return item ? `${item.person.kind}:${item.person.id}` : (options[0]?.value ?? '');
}

const refOf = (key: string) => {
  const [kind, ...rest] = key.split(':');
  return { kind: kind === 'guard' ? ('guard' as const) : ('operator' as const), id: rest.join(':') };
};

/** A certificate to record (a renewal is a new one) or to correct. */
export function CertificateForm(props: {
  people: readonly TrainingPerson[];
  item?: CertificateView | undefined;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall();
  const item = props.item;
  const options = usePeople(props.people);
  const form = useForm({
    person: personOf(item, options),
    kind: item?.kind ?? ('fire_facility_operator' as CertificateKind),
    level: item?.level !== undefined ? String(item.level) : '',
    number: item?.number ?? '',
    issuedOn: item?.issuedOn ?? today(),
    expiresOn: item?.expiresOn ?? '',
    issuedBy: item?.issuedBy ?? '',
  });
  const { person, kind, level, number, issuedOn, expiresOn, issuedBy } = form.values;
  const submit = async () => {
    const saved = await call.run(() =>
      client.call('training.saveCertificate', {
        ...(item ? { id: item.id } : {}),
        person: refOf(person),
        kind,
        ...(level ? { level: Number(level) } : {}),
        number,
        issuedOn,
        expiresOn,
        issuedBy,
      }),
    );
    if (saved) props.onClose();
  };
  return (
    <FormDialog
      open
      title={t(item ? 'training.editCertificate' : 'training.addCertificate')}
      testId="certificate-form"
      onClose={props.onClose}
      onSubmit={submit}
      canSubmit={Boolean(person && number.trim() && issuedOn && expiresOn && issuedBy.trim())}
      error={call.error}
      errorTestId="certificate-form-error"
      submitTestId="certificate-save"
    >
      <SelectInput
        label={t('training.person')}
        {...form.field('person')}
        options={options}
        testId="certificate-person"
        displayTestId="certificate-person-select"
      />
      <Box sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 2 }}>
        <SelectInput
          label={t('training.certKind')}
          {...form.field('kind')}
          testId="certificate-kind"
          displayTestId="certificate-kind-select"
          options={CERTIFICATE_KINDS.map((k) => ({ value: k, label: t(`training.kind.${k}`) }))}
        />
        <SelectInput
          label={t('training.certLevel')}
          {...form.field('level')}
          testId="certificate-level"
          displayTestId="certificate-level-select"
          options={[
            { value: '', label: t('training.noLevel') },
            ...['5', '4', '3', '2', '1'].map((l) => ({ value: l, label: t(`training.level.${l}`) })),
          ]}
        />
      </Box>
      <TextInput
        label={t('training.number')}
        {...form.field('number')}
        maxLength={40}
        testId="certificate-number"
        autoFocus
      />
      <Box sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 2 }}>
        <TextInput
          label={t('training.issuedOn')}
          type="date"
          shrinkLabel
          {...form.field('issuedOn')}
          testId="certificate-issued"
        />
        <TextInput
          label={t('training.expiresOn')}
          type="date"
          shrinkLabel
          {...form.field('expiresOn')}
          testId="certificate-expires"
        />
      </Box>
      <TextInput
        label={t('training.issuedBy')}
        {...form.field('issuedBy')}
        maxLength={80}
        testId="certificate-issuer"
      />
    </FormDialog>
  );
}

/** A training session someone attended, or a correction of one. */
export function RecordForm(props: {
  people: readonly TrainingPerson[];
  item?: TrainingRecordView | undefined;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall();
  const item = props.item;
  const options = usePeople(props.people);
  const form = useForm({
    person: personOf(item, options),
    course: item?.course ?? '',
    on: item?.on ?? today(),
    hours: item ? String(item.hours) : '2',
    trainer: item?.trainer ?? '',
    result: item?.result ?? ('passed' as TrainingResult),
    note: item?.note ?? '',
  });
  const { person, course, on, hours, trainer, result, note } = form.values;
  const submit = async () => {
    const saved = await call.run(() =>
      client.call('training.saveRecord', {
        ...(item ? { id: item.id } : {}),
        person: refOf(person),
        course,
        on,
        hours: Number(hours),
        trainer,
        result,
        ...(note.trim() ? { note } : {}),
      }),
    );
    if (saved) props.onClose();
  };
  return (
    <FormDialog
      open
      title={t(item ? 'training.editRecord' : 'training.addRecord')}
      testId="record-form"
      onClose={props.onClose}
      onSubmit={submit}
      canSubmit={Boolean(person && course.trim() && on && Number(hours) > 0 && trainer.trim())}
      error={call.error}
      errorTestId="record-form-error"
      submitTestId="record-save"
    >
      <SelectInput
        label={t('training.person')}
        {...form.field('person')}
        options={options}
        testId="record-person"
        displayTestId="record-person-select"
      />
      <TextInput
        label={t('training.course')}
        {...form.field('course')}
        maxLength={80}
        testId="record-course"
        autoFocus
      />
      <Box sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr 1fr', gap: 2 }}>
        <TextInput
          label={t('training.on')}
          type="date"
          shrinkLabel
          {...form.field('on')}
          testId="record-on"
        />
        <TextInput
          label={t('training.hours')}
          type="number"
          {...form.field('hours')}
          testId="record-hours"
          htmlInput={{ min: 0.5, max: 500, step: 0.5 }}
        />
        <SelectInput
          label={t('training.resultLabel')}
          {...form.field('result')}
          testId="record-result"
          displayTestId="record-result-select"
          options={TRAINING_RESULTS.map((r) => ({ value: r, label: t(`training.result.${r}`) }))}
        />
      </Box>
      <TextInput
        label={t('training.trainer')}
        {...form.field('trainer')}
        maxLength={60}
        testId="record-trainer"
      />
      <TextInput label={t('training.note')} {...form.field('note')} maxLength={500} testId="record-note" />
    </FormDialog>
  );
}
