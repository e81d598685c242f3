import { Box, Button, Chip, Typography } from '@mui/material';
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmView } from '../../../shared/contract';
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
  const queue = useStore(useAlarms().queue);
  // The queue is in order: the first one that fits is the most urgent (this runs on every batch of a flood).
  const alarm = useMemo(
    () => queue.find((a) => a.state === 'new' && !a.held && a.cameras.length > 0),
    [queue],
  );
  return alarm ? <MonitorStrip alarm={alarm} /> : null;
}

/** Rendered again only when the alarm it shows changes, not on every batch that leaves it the most urgent. */
const MonitorStrip = memo(function MonitorStrip({ alarm }: { alarm: AlarmView }) {
  const { t } = useTranslation();
  const store = useAlarms();
  const site = useStore(useSystem().site);
  const { run } = useCall('notice');
  const text = useText();
  if (!site) return null;
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
        minHeight: (theme) => theme.spacing(16),
        flexShrink: 0,
        borderTop: 3,
        borderColor: PRIORITY_COLOURS[alarm.priority],
        bgcolor: '#1a0d0d',
      }}
    >
      <Box
        sx={{
          width: (theme) => theme.spacing(21),
          flexShrink: 0,
          display: 'flex',
          flexDirection: 'column',
          gap: 0.25,
          p: 0.5,
          minHeight: 0,
        }}
      >
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5, minWidth: 0 }}>
          <Chip
            size="small"
            label={`P${alarm.priority}`}
            sx={{
              bgcolor: PRIORITY_COLOURS[alarm.priority],
              color: '#0b0f14',
              fontWeight: 800,
              fontSize: '0.85rem',
              flexShrink: 0,
            }}
          />
          <Typography sx={{ fontWeight: 800 }} noWrap>
            {t(`alarmType.${alarm.type}`)}
          </Typography>
        </Box>
        <Typography variant="body2" color="text.secondary" noWrap>
          {zone}
        </Typography>
        <Box sx={{ flex: 1, minHeight: 0 }} />
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
        // Each picture at its aspect, as large as the strip's height allows.
        <Box
          key={c.id}
          sx={{ height: '100%', aspectRatio: '16 / 9', maxWidth: '33%', display: 'grid', minWidth: 0 }}
        >
          <CameraTile camera={c} index={-1} profile="sub" large />
        </Box>
      ))}
    </Box>
  );
});
