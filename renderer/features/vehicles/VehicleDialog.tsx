import { Box } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { PERMIT_KINDS, VEHICLE_KINDS, type VehicleInput, type VehicleView } from '../../../shared/contract';
import { FormDialog } from '../../ui/dialogs';
import { CheckInput, SelectInput, TextInput } from '../../ui/fields';
import { useForm } from '../../ui/form';
import { useCall } from '../../ui/useCall';

type Kind = (typeof VEHICLE_KINDS)[number];
type PermitKind = (typeof PERMIT_KINDS)[number];

/** Adds or edits a resident vehicle record (a supervisor's): the plate is checked by the core. */
export function VehicleDialog(props: {
  vehicle?: VehicleView;
  onClose(): void;
  onSave(input: VehicleInput): Promise<unknown>;
}) {
  const { t } = useTranslation();
  const call = useCall('inline');
  const v = props.vehicle;
  const form = useForm({
    plate: v?.plate ?? '',
    owner: v?.owner ?? '',
    building: v?.building ?? '',
    unit: v?.unit ?? '',
    room: v?.room ?? '',
    phones: v?.phones.join(' ') ?? '',
    kind: (v?.kind ?? 'car') as Kind,
    colour: v?.colour ?? '',
    permitKind: (v?.permit?.kind ?? '') as PermitKind | '',
    permitNumber: v?.permit?.number ?? '',
    space: v?.permit?.space ?? '',
    validFrom: v?.permit?.validFrom ?? '',
    validTo: v?.permit?.validTo ?? '',
    notes: v?.notes ?? '',
    blacklisted: v?.blacklisted ?? false,
  });
  const f = form.values;
  const blacklisted = form.field('blacklisted');
  const save = () =>
    props.onSave({
      ...(v ? { id: v.id } : {}),
      plate: f.plate,
      owner: f.owner,
      building: f.building,
      unit: f.unit,
      room: f.room,
      phones: f.phones.split(/[\s,;，；]+/).filter(Boolean),
      kind: f.kind,
      colour: f.colour,
      ...(f.permitKind
        ? {
            permit: {
              kind: f.permitKind,
              number: f.permitNumber,
              space: f.space,
              validFrom: f.validFrom,
              validTo: f.validTo,
            },
          }
        : {}),
      notes: f.notes,
      blacklisted: f.blacklisted,
    });
  const row = { display: 'flex', gap: 1 };
  return (
    <FormDialog
      open
      title={v ? t('vehicles.records.edit') : t('vehicles.records.add')}
      testId="vehicle-dialog"
      onClose={props.onClose}
      canSubmit={Boolean(f.plate.trim() && f.owner.trim())}
      error={call.error}
      submitTestId="vehicle-save"
      onSubmit={async () => {
        if (await call.succeeds(save)) props.onClose();
      }}
    >
      <Box sx={row}>
        <TextInput label={t('vehicles.plate')} testId="vehicle-plate" autoFocus {...form.field('plate')} />
        <TextInput label={t('vehicles.owner')} testId="vehicle-owner" {...form.field('owner')} />
      </Box>
      <Box sx={row}>
        <TextInput label={t('vehicles.records.building')} {...form.field('building')} />
        <TextInput label={t('vehicles.records.unit')} {...form.field('unit')} />
        <TextInput label={t('vehicles.records.room')} {...form.field('room')} />
      </Box>
      <TextInput label={t('vehicles.records.phones')} testId="vehicle-phones" {...form.field('phones')} />
      <Box sx={row}>
        <SelectInput
          label={t('vehicles.records.kindLabel')}
          sx={{ flex: 1 }}
          options={VEHICLE_KINDS.map((k) => ({ value: k, label: t(`vehicles.kind.${k}`) }))}
          {...form.field('kind')}
        />
        <TextInput label={t('vehicles.records.colour')} {...form.field('colour')} />
      </Box>
      <Box sx={row}>
        <SelectInput<PermitKind | ''>
          label={t('vehicles.records.permitKind')}
          sx={{ flex: 1 }}
          empty={t('vehicles.records.noPermit')}
          options={PERMIT_KINDS.map((k) => ({ value: k, label: t(`vehicles.permitKind.${k}`) }))}
          {...form.field('permitKind')}
        />
        <TextInput label={t('vehicles.records.permitNumber')} {...form.field('permitNumber')} />
        <TextInput label={t('vehicles.records.space')} {...form.field('space')} />
      </Box>
      {f.permitKind && (
        <Box sx={row}>
          <TextInput
            label={t('vehicles.records.validFrom')}
            type="date"
            shrinkLabel
            {...form.field('validFrom')}
          />
          <TextInput
            label={t('vehicles.records.validTo')}
            type="date"
            shrinkLabel
            {...form.field('validTo')}
          />
        </Box>
      )}
      <TextInput label={t('vehicles.records.notes')} {...form.field('notes')} />
      <CheckInput
        label={t('vehicles.records.blacklisted')}
        checked={blacklisted.value}
        onChange={blacklisted.onChange}
      />
    </FormDialog>
  );
}
