import { useTranslation } from 'react-i18next';
import { useStore } from '../../api/store';
import { SelectInput } from '../../ui/fields';
import { useText } from '../../ui/hooks';
import { useSystem } from './store';

/**
 * One of the site's zones, or '' for none. `empty` names the '' choice; without a label (a filter) it is
 * "all zones".
 */
export function ZoneSelect(props: {
  value: string;
  onChange(zone: string): void;
  label?: string;
  empty?: string;
  size?: 'small' | 'medium';
  sx?: Record<string, unknown>;
}) {
  const { t } = useTranslation();
  const system = useSystem();
  const site = useStore(system.site);
  const text = useText();
  return (
    <SelectInput
      label={props.label}
      size={props.size}
      sx={props.sx ?? { flex: 1 }}
      value={props.value}
      onChange={props.onChange}
      empty={props.empty ?? (props.label ? '—' : t('alarms.allZones'))}
      options={(site?.zones ?? []).map((z) => ({ value: z.id, label: text(z.name) }))}
    />
  );
}
