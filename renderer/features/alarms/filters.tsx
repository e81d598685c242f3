import { MenuItem, TextField } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { ALARM_TYPES, type AlarmType } from '../../../shared/domain/alarm';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { useText } from '../../ui/hooks';

/** "All types" or one alarm type; used by the queue and the history. */
export function TypeFilter(props: { value: AlarmType | ''; onChange(v: AlarmType | ''): void }) {
  const { t } = useTranslation();
  return (
    <TextField
      select
      size="small"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as AlarmType | '')}
      sx={{ flex: 1 }}
      slotProps={{ select: { displayEmpty: true } }}
    >
      <MenuItem value="">{t('alarms.allTypes')}</MenuItem>
      {ALARM_TYPES.map((x) => (
        <MenuItem key={x} value={x}>
          {t(`alarmType.${x}`)}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** "All zones" or one of the site's zones. */
export function ZoneFilter(props: { value: string; onChange(v: string): void }) {
  const { t } = useTranslation();
  const model = useConsole();
  const site = useStore(model.site);
  const text = useText();
  return (
    <TextField
      select
      size="small"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      sx={{ flex: 1 }}
      slotProps={{ select: { displayEmpty: true } }}
    >
      <MenuItem value="">{t('alarms.allZones')}</MenuItem>
      {(site?.zones ?? []).map((z) => (
        <MenuItem key={z.id} value={z.id}>
          {text(z.name)}
        </MenuItem>
      ))}
    </TextField>
  );
}
