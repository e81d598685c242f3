import { useTranslation } from 'react-i18next';
import type { VisitorInput } from '../../../shared/contract';
import { FormDialog } from '../../ui/dialogs';
import { CheckInput, TextInput } from '../../ui/fields';
import { useForm } from '../../ui/form';
import { useCall } from '../../ui/useCall';
import { ZoneSelect } from '../system';

export interface VisitorFormValues {
  plate: string;
  building: string;
  room: string;
  host: string;
  phone: string;
  purpose: string;
  area: string;
  limitMin: string;
  expected: boolean;
}

/** The visitor as the core takes it, from the form's text fields. */
export function visitorInput(v: VisitorFormValues): VisitorInput {
  const limit = Number(v.limitMin);
  return {
    plate: v.plate,
    building: v.building,
    room: v.room,
    host: v.host,
    phone: v.phone,
    purpose: v.purpose,
    ...(v.area ? { area: v.area } : {}),
    ...(Number.isInteger(limit) && limit > 0 ? { limitMin: limit } : {}),
    expected: v.expected,
  };
}

/**
 * Registers a visitor vehicle: at the gate for a waiting car (`plate` given: the read's, not editable, and the
 * submit lets it in), or from the visitors' list (a car here now, or one expected).
 */
export function VisitorDialog(props: {
  plate?: string;
  defaults: { limitMin: number; area?: string | undefined };
  onClose(): void;
  onSubmit(input: VisitorInput): Promise<unknown>;
}) {
  const { t } = useTranslation();
  const call = useCall('inline');
  const atGate = props.plate !== undefined;
  const form = useForm<VisitorFormValues>({
    plate: props.plate ?? '',
    building: '',
    room: '',
    host: '',
    phone: '',
    purpose: '',
    area: props.defaults.area ?? '',
    limitMin: String(props.defaults.limitMin),
    expected: false,
  });
  const v = form.values;
  return (
    <FormDialog
      open
      title={atGate ? t('vehicles.visitor.titleAt', { plate: props.plate }) : t('vehicles.visitor.title')}
      testId="visitor-dialog"
      onClose={props.onClose}
      canSubmit={Boolean(v.plate.trim() && v.building.trim())}
      error={call.error}
      submitLabel={atGate ? t('vehicles.visitor.registerAndOpen') : t('vehicles.visitor.register')}
      submitTestId="visitor-submit"
      onSubmit={async () => {
        if (await call.succeeds(() => props.onSubmit(visitorInput(v)))) props.onClose();
      }}
    >
      {!atGate && (
        <TextInput label={t('vehicles.plate')} testId="visitor-plate" autoFocus {...form.field('plate')} />
      )}
      <TextInput
        label={t('vehicles.visitor.building')}
        testId="visitor-building"
        autoFocus={atGate}
        {...form.field('building')}
      />
      <TextInput label={t('vehicles.visitor.room')} testId="visitor-room" {...form.field('room')} />
      <TextInput label={t('vehicles.visitor.host')} {...form.field('host')} />
      <TextInput label={t('vehicles.visitor.phone')} testId="visitor-phone" {...form.field('phone')} />
      <TextInput label={t('vehicles.visitor.purpose')} {...form.field('purpose')} />
      <ZoneSelect label={t('vehicles.visitor.area')} {...form.field('area')} />
      <TextInput label={t('vehicles.visitor.limitMin')} type="number" {...form.field('limitMin')} />
      {!atGate && (
        <CheckInput
          label={t('vehicles.visitor.expected')}
          testId="visitor-expected"
          {...bindCheck(form.field('expected'))}
        />
      )}
    </FormDialog>
  );
}

const bindCheck = (b: { value: boolean; onChange(v: boolean): void }) => ({
  checked: b.value,
  onChange: b.onChange,
});
