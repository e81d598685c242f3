import { useTranslation } from 'react-i18next';
import type { NoParkingAreaView } from '../../../shared/contract';
import { FormDialog } from '../../ui/dialogs';
import { SelectInput, TextInput } from '../../ui/fields';
import { useForm } from '../../ui/form';
import { useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';

export interface ViolationFormValues {
  plate: string;
  area: string;
  foundBy: string;
  note: string;
}

/** Records a car in a no-parking area: the plate if anyone read it, the area, who found it. */
export function ViolationDialog(props: {
  areas: readonly NoParkingAreaView[];
  onClose(): void;
  onSubmit(v: ViolationFormValues): Promise<unknown>;
}) {
  const { t } = useTranslation();
  const text = useText();
  const call = useCall('inline');
  const form = useForm<ViolationFormValues>({
    plate: '',
    area: props.areas[0]?.id ?? '',
    foundBy: '',
    note: '',
  });
  const v = form.values;
  return (
    <FormDialog
      open
      title={t('violations.openTitle')}
      testId="violation-dialog"
      onClose={props.onClose}
      canSubmit={Boolean(v.area)}
      error={call.error}
      submitLabel={t('violations.open')}
      submitTestId="violation-submit"
      onSubmit={async () => {
        if (await call.succeeds(() => props.onSubmit(v))) props.onClose();
      }}
    >
      <TextInput label={t('violations.plate')} testId="violation-plate" autoFocus {...form.field('plate')} />
      <SelectInput
        label={t('violations.area')}
        testId="violation-area"
        displayTestId="violation-area-select"
        options={props.areas.map((a) => ({
          value: a.id,
          label: `${t(`violations.kind.${a.kind}`)} · ${text(a.name)}`,
          testId: `violation-area-${a.id}`,
        }))}
        {...form.field('area')}
      />
      <TextInput label={t('violations.foundBy')} testId="violation-found-by" {...form.field('foundBy')} />
      <TextInput label={t('violations.note')} {...form.field('note')} />
    </FormDialog>
  );
}
