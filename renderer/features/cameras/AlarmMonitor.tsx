import { Box, Button, Chip, Typography } from '@mui/material';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmView } from '../../../shared/contract';
import { compareAlarms } from '../../../shared/domain/alarm-lifecycle';
import { useStore } from '../../api/store';
import { useText } from '../../ui/hooks';
import { PRIORITY_COLOURS } from '../../ui/theme';
import { useCall } from '../../ui/useCall';
import { useAlarms } from '../alarms';
import { useSystem } from '../system';
import { CameraTile } from './CameraTile';

/**
 * Alarm-linked video: the most urgent unacknowledged alarm that has cameras takes a strip of the wall and shows
 * them live, until someone acknowledges it. The operator never has to go looking for the picture.
 */
export function AlarmMonitor() {
  const { t } = useTranslation();
  const store = useAlarms();
  const alarms = useStore(store.open);
  const site = useStore(useSystem().site);
  const { run } = useCall('notice');
  const text = useText();
  const alarm = useMemo(() => {
    // One pass, no sort: this runs on every batch of alarm changes.
    let best: AlarmView | undefined;
    for (const a of Object.values(alarms)) {
      if (a.state !== 'new' || a.held || a.cameras.length === 0) continue;
      if (!best || compareAlarms(a, best) < 0) best = a;
    }
    return best;
  }, [alarms]);
  if (!alarm || !site) return null;
  const cameras = alarm.cameras
    .map((id) => site.cameras.find((c) => c.id === id))
    .filter((c) => c !== undefined)
    .slice(0, 3);
  if (cameras.length === 0) return null;
  const zone = text(site.zones.find((z) => z.id === alarm.zone)?.name) || alarm.zone || '';
  return (
    <Box
      data-testid="alarm-monitor"
      data-alarm-id={alarm.id}
      sx={{
        display: 'flex',
        gap: 0.5,
        p: 0.5,
        height: '34%',
        minHeight: 120,
        borderTop: 3,
        borderColor: PRIORITY_COLOURS[alarm.priority],
        bgcolor: '#1a0d0d',
      }}
    >
      <Box
        sx={{ width: 170, display: 'flex', flexDirection: 'column', gap: 0.25, p: 0.5, overflow: 'hidden' }}
      >
        <Chip
          size="small"
          label={`P${alarm.priority}`}
          sx={{
            bgcolor: PRIORITY_COLOURS[alarm.priority],
            color: '#0b0f14',
            fontWeight: 800,
            alignSelf: 'flex-start',
          }}
        />
        <Typography sx={{ fontWeight: 800 }} noWrap>
          {t(`alarmType.${alarm.type}`)}
        </Typography>
        <Typography variant="body2" color="text.secondary" noWrap>
          {zone}
        </Typography>
        <Box sx={{ flex: 1 }} />
        <Button
          size="small"
          variant="contained"
          color="error"
          data-testid="monitor-ack"
          onClick={() => void run(() => store.acknowledge(alarm.id))}
        >
          {t('alarms.acknowledge')}
        </Button>
        <Button size="small" sx={{ py: 0 }} onClick={() => store.select(alarm.id)}>
          {t('alarms.detail')}
        </Button>
      </Box>
      {cameras.map((c) => (
        <Box key={c.id} sx={{ flex: 1, display: 'grid', minWidth: 0 }}>
          <CameraTile camera={c} index={-1} profile="sub" large />
        </Box>
      ))}
    </Box>
  );
}
