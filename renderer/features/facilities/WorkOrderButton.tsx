import { Button } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { AlarmView } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useCall } from '../../ui/useCall';
import { openFacilities } from './store';

/** Alarm types that are a failing facility: their detail offers the device's work order. */
const REPAIRABLE = new Set([
  'fire_facility_fault',
  'device_fault',
  'device_offline',
  'camera_offline',
  'lighting_fault',
]);

/**
 * 报修 from an alarm's detail: opens the device's work order (its open one, or a new one from the alarm) in the
 * facilities view. Offered for device faults and for any alarm with a device, resolved ones too.
 */
export function WorkOrderButton({ alarm }: { alarm: AlarmView }) {
  const { t } = useTranslation();
  const client = useClient();
  const { run, busy } = useCall('notice');
  if (!REPAIRABLE.has(alarm.type) && !alarm.deviceId) return null;
  return (
    <Button
      variant="outlined"
      color="warning"
      disabled={busy}
      data-testid="alarm-work-order"
      sx={{ alignSelf: 'flex-start' }}
      onClick={async () => {
        const order = await run(() => client.call('workOrders.fromAlarm', { alarmId: alarm.id }));
        if (order) openFacilities('orders', order.id);
      }}
    >
      {t('facilities.orderButton')}
    </Button>
  );
}
