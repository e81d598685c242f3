import { Box, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { useStore } from '../../api/store';
import { formatClock, useNow, useText } from '../../ui/hooks';
import { useSystem } from '../system';
import { CHECKPOINT_COLOURS } from './icons';
import { useGuards } from './store';

/**
 * Each patrol route at a glance: how far the current round is, when it must be done or when the next one
 * starts, and today's compliance (the service plan: every 2 hours by day, every hour at night).
 */
export function PatrolSummary() {
  const { t } = useTranslation();
  const site = useStore(useSystem().site);
  const patrols = useStore(useGuards().patrols);
  const text = useText();
  const now = useNow(5000);
  const routes = site?.routes ?? [];
  if (routes.length === 0)
    return (
      <Typography variant="body2" color="text.secondary">
        {t('siteMap.patrol.none')}
      </Typography>
    );
  return (
    <Box data-testid="patrol-summary" sx={{ display: 'flex', flexDirection: 'column', gap: 0.75 }}>
      {routes.map((r) => {
        const view = patrols[r.id];
        const round = view?.current;
        const open = round && now < round.windowEnd;
        const done =
          round?.checkpoints.filter((c) => c.state !== 'pending' && c.state !== 'missed').length ?? 0;
        const today = view?.today;
        return (
          <Box key={r.id} data-testid="patrol-route" data-route-id={r.id}>
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
              <Typography sx={{ fontWeight: 700 }}>{text(r.name)}</Typography>
              {round && (
                <Typography data-testid="patrol-progress" data-open={open}>
                  {t(open ? 'siteMap.patrol.progress' : 'siteMap.patrol.lastRound', {
                    done,
                    total: round.checkpoints.length,
                  })}
                  {open
                    ? ` · ${t('siteMap.patrol.until', { time: formatClock(round.windowEnd, false) })}`
                    : ''}
                </Typography>
              )}
              <Typography color="text.secondary">
                {t('siteMap.patrol.next', { time: formatClock(view?.nextStart ?? now, false) })}
              </Typography>
              <Box sx={{ display: 'flex', gap: '3px' }}>
                {(round?.checkpoints ?? []).map((c) => (
                  <Box
                    key={c.checkpointId}
                    title={t(`siteMap.checkpoint.${c.state}`)}
                    sx={{ width: 12, height: 12, borderRadius: '50%', bgcolor: CHECKPOINT_COLOURS[c.state] }}
                  />
                ))}
              </Box>
            </Box>
            {today && (
              <Typography variant="body2" color={today.missed > 0 ? 'warning.main' : 'text.secondary'}>
                {t('siteMap.patrol.today', today)}
              </Typography>
            )}
          </Box>
        );
      })}
    </Box>
  );
}
