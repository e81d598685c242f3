import { Alert, Box } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { useStore } from '../../api/store';
import { useAlarms } from './store';

/** Escalations and disaster mode stay on screen until they are dealt with. */
export function AlarmBanners() {
  const { t } = useTranslation();
  const alarms = useAlarms();
  const escalations = Object.values(useStore(alarms.escalations));
  const meta = useStore(alarms.meta);
  if (escalations.length === 0 && !meta?.disaster.on) return null;
  return (
    <Box sx={{ px: 1, pt: 1, display: 'flex', flexDirection: 'column', gap: 0.5 }}>
      {escalations.length > 0 && (
        <Alert
          data-testid="escalation-banner"
          severity="error"
          variant="filled"
          sx={{ fontSize: '1.05rem', fontWeight: 700, cursor: 'pointer' }}
          onClick={() => alarms.select(escalations[0]!.id)}
        >
          {t('alarms.escalationBanner', { count: escalations.length })}
        </Alert>
      )}
      {meta?.disaster.on && (
        <Alert data-testid="disaster-banner" severity="warning" variant="filled">
          {t('alarms.disasterBanner', { p: meta.disaster.holdFromPriority, reason: meta.disaster.reason })}
        </Alert>
      )}
    </Box>
  );
}
