import { Alert, Box } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';

/** Escalations and disaster mode stay on screen until they are dealt with. */
export function AlarmBanners() {
  const { t } = useTranslation();
  const model = useConsole();
  const escalations = Object.values(useStore(model.escalations));
  const meta = useStore(model.alarmMeta);
  if (escalations.length === 0 && !meta?.disaster.on) return null;
  return (
    <Box sx={{ px: 1, pt: 1, display: 'flex', flexDirection: 'column', gap: 0.5 }}>
      {escalations.length > 0 && (
        <Alert
          data-testid="escalation-banner"
          severity="error"
          variant="filled"
          sx={{ fontSize: '1.05rem', fontWeight: 700, cursor: 'pointer' }}
          onClick={() => model.selectedAlarm.set(escalations[0]!.id)}
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
