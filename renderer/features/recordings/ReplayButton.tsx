import { Button } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { openReplay } from './store';

/**
 * "Back 30 s" on a wall tile or in the alarm detail: opens the replay player (mounted once, see ReplayPlayer)
 * at `from`, or 30 s before now when none is given.
 */
export function ReplayButton({
  cameraId,
  from,
  alarmId,
}: {
  cameraId: string;
  from?: number | undefined;
  /** In an alarm's detail: the player can export a range it picks as this alarm's evidence. */
  alarmId?: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Button
      size="small"
      variant="text"
      data-testid="replay-open"
      onClick={(e) => {
        e.stopPropagation();
        openReplay(cameraId, from ?? Date.now() - 30_000, alarmId);
      }}
      sx={{ minWidth: 0, px: 0.5, py: 0, fontSize: '0.75rem' }}
    >
      {t('recordings.back30')}
    </Button>
  );
}
