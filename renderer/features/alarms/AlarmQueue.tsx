import { Box, Chip, List, ListItem, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { DEFAULT_PRIORITY, effectivePriority } from '../../../shared/domain/alarm';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { AreaPanel } from '../../app/AreaPanel';
import { PRIORITY_COLOURS } from '../../app/theme';
import { formatClock, useAge, useNow, useText } from '../../app/hooks';

/**
 * The raw alarm stream from the hub, newest first, as committed to the local database. Handling
 * (acknowledge, dispatch, resolve) arrives with the alarm-queue feature.
 */
export function AlarmQueue() {
  const { t } = useTranslation();
  const model = useConsole();
  const events = useStore(model.events);
  const site = useStore(model.site);
  const text = useText();
  const age = useAge();
  const now = useNow(1000);
  const alarms = events.filter((e) => e.kind === 'alarm');
  const zoneName = (id: string | undefined) => text(site?.zones.find((z) => z.id === id)?.name) || id || '';

  return (
    <AreaPanel
      testId="alarm-queue"
      title={t('areas.alarmQueue')}
      gridArea="alarms"
      actions={<Typography color="text.secondary">{t('alarms.recent', { count: alarms.length })}</Typography>}
    >
      {alarms.length === 0 ? (
        <Typography sx={{ p: 2 }} color="text.secondary">
          {t('alarms.empty')}
        </Typography>
      ) : (
        <List dense disablePadding>
          {alarms.map((e) => {
            if (e.kind !== 'alarm') return null;
            const a = e.data;
            const priority = effectivePriority(a.type, a.priority) ?? DEFAULT_PRIORITY[a.type];
            return (
              <ListItem
                key={e.seq}
                data-testid="alarm-event"
                data-seq={e.seq}
                data-priority={priority}
                divider
                sx={{
                  borderLeft: 6,
                  borderLeftColor: PRIORITY_COLOURS[priority],
                  alignItems: 'flex-start',
                  gap: 1.5,
                }}
              >
                <Chip
                  size="small"
                  label={t('alarms.priority', { p: priority })}
                  sx={{ bgcolor: PRIORITY_COLOURS[priority], color: '#0b0f14', mt: 0.25 }}
                />
                <Box sx={{ flex: 1, minWidth: 0 }}>
                  <Typography sx={{ fontWeight: 700, fontSize: '1.02rem' }}>
                    {t(`alarmType.${a.type}`)}
                  </Typography>
                  <Typography variant="body2" color="text.secondary" noWrap>
                    {zoneName(a.zone)}
                    {a.cameras.length > 0
                      ? ` · ${t('alarms.linkedCameras', { list: a.cameras.join(', ') })}`
                      : ''}
                  </Typography>
                </Box>
                <Box sx={{ textAlign: 'right' }}>
                  <Typography sx={{ fontVariantNumeric: 'tabular-nums', fontWeight: 600 }}>
                    {formatClock(a.raisedAt)}
                  </Typography>
                  <Typography variant="caption" color="text.secondary">
                    {age(now - e.receivedAt)}
                  </Typography>
                </Box>
              </ListItem>
            );
          })}
        </List>
      )}
    </AreaPanel>
  );
}
