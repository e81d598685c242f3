import { Box, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { AreaPanel } from '../../app/AreaPanel';
import { useText } from '../../app/hooks';

/**
 * The wall of camera tiles. Until the stream gateway runs, each tile says so plainly: a tile must never
 * look like live video when it is not.
 */
export function CameraWall() {
  const { t } = useTranslation();
  const model = useConsole();
  const site = useStore(model.site);
  const text = useText();
  const cameras = site?.cameras ?? [];
  const zoneName = (id: string | undefined) => text(site?.zones.find((z) => z.id === id)?.name);
  const columns = cameras.length <= 4 ? 2 : cameras.length <= 9 ? 3 : 4;

  return (
    <AreaPanel
      testId="camera-wall"
      title={t('areas.cameraWall')}
      gridArea="wall"
      actions={
        <Typography color="text.secondary">{t('cameras.count', { count: cameras.length })}</Typography>
      }
    >
      {cameras.length === 0 ? (
        <Typography sx={{ p: 2 }} color="text.secondary">
          {t('cameras.noCameras')}
        </Typography>
      ) : (
        <Box sx={{ display: 'grid', gridTemplateColumns: `repeat(${columns}, 1fr)`, gap: 0.5, p: 0.5 }}>
          {cameras.map((camera) => (
            <Box
              key={camera.id}
              data-testid="camera-tile"
              data-camera-id={camera.id}
              data-status="idle"
              sx={{
                aspectRatio: '16 / 9',
                bgcolor: '#05080b',
                border: 1,
                borderColor: 'divider',
                display: 'flex',
                flexDirection: 'column',
                justifyContent: 'space-between',
                p: 1,
              }}
            >
              <Typography sx={{ fontWeight: 600 }} noWrap>
                {text(camera.name)}
              </Typography>
              <Typography variant="body2" color="text.secondary" sx={{ textAlign: 'center' }}>
                {t('cameras.waitingGateway')}
              </Typography>
              <Typography variant="caption" color="text.secondary" noWrap>
                {camera.id} · {zoneName(camera.zone)}
              </Typography>
            </Box>
          ))}
        </Box>
      )}
    </AreaPanel>
  );
}
