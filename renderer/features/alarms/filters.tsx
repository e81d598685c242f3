import { useTranslation } from 'react-i18next';
import { ALARM_TYPES, type AlarmType } from '../../../shared/domain/alarm';
import { SelectInput } from '../../ui/fields';

/** "All types" or one alarm type; used by the queue and the history. */
export function TypeFilter(props: { value: AlarmType | ''; onChange(v: AlarmType | ''): void }) {
  const { t } = useTranslation();
  return (
    <SelectInput<AlarmType | ''>
      size="small"
      value={props.value}
      onChange={props.onChange}
      sx={{ flex: 1 }}
      empty={t('alarms.allTypes')}
      options={ALARM_TYPES.map((x) => ({ value: x, label: t(`alarmType.${x}`) }))}
    />
  );
}
