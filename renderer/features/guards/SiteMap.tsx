import 'leaflet/dist/leaflet.css';
import './site-map.css';
import { Box, Button, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import L from 'leaflet';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ImageOverlay, MapContainer, useMap } from 'react-leaflet';
import { useTranslation } from 'react-i18next';
import type { SiteView } from '../../../shared/contract';
import { useStore } from '../../api/store';
import { AreaPanel } from '../../ui/AreaPanel';
import { AlarmsLayer, CamerasLayer, GuardsLayer, NoParkingLayer, PatrolsLayer, ZonesLayer } from './layers';
import { ReplayBar, ReplayLayer, type Track } from './Replay';
import { PostsLayer } from '../posts';
import { useSystem } from '../system';
import { useGuards } from './store';
import { LAYER_KEYS, useMapLayers } from './useMapLayers';

type Bounds = SiteView['plan']['bounds'];
const toLatLngBounds = (b: Bounds) =>
  L.latLngBounds([b.southWest.lat, b.southWest.lon], [b.northEast.lat, b.northEast.lon]);

/**
 * Keeps the whole plan in view: refit whenever the panel changes size (window resize, the replay bar opening),
 * and never let the operator zoom out or pan away from the site — there is nothing else to see, and no tiles.
 */
function FitPlan({ bounds }: { bounds: Bounds }) {
  const map = useMap();
  useEffect(() => {
    const plan = toLatLngBounds(bounds);
    const fit = () => {
      map.invalidateSize();
      const floor = map.getBoundsZoom(plan, false) - 0.5;
      // The floor goes down before the fit and up after it: raising it above the current zoom starts an animated
      // zoom to the old floor that ends after the fit and undoes it (a grown panel kept the smaller plan).
      if (floor < map.getMinZoom()) map.setMinZoom(floor);
      map.fitBounds(plan, { animate: false });
      map.setMinZoom(floor);
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(map.getContainer());
    return () => observer.disconnect();
  }, [map, bounds]);
  return null;
}

/**
 * The site plan (the georeferenced picture the site file ships; no internet tiles) with switchable layers:
 * zones, cameras (click → on the wall), open alarms (click → open), live guards, patrol routes with each
 * checkpoint's state in the current round, and the replay of a guard's stored track.
 */
export function SiteMap() {
  const { t } = useTranslation();
  const site = useStore(useSystem().site);
  const guards = useStore(useGuards().guards);
  const [layers, toggle] = useMapLayers();
  const [replaying, setReplaying] = useState(false);
  const [track, setTrack] = useState<Track | null>(null);
  const [replayAt, setReplayAt] = useState(0);
  const closeReplay = useCallback(() => {
    setReplaying(false);
    setTrack(null);
  }, []);

  const bounds = site?.plan.bounds;
  const planBounds = useMemo(() => (bounds ? toLatLngBounds(bounds) : undefined), [bounds]);
  const maxBounds = useMemo(() => planBounds?.pad(0.25), [planBounds]);
  const located = Object.values(guards).filter((g) => g.last).length;

  const toolbar = (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
      <ToggleButtonGroup
        size="small"
        value={LAYER_KEYS.filter((k) => layers[k])}
        aria-label={t('siteMap.layers')}
        title={t('map.guards', { count: located })}
      >
        {LAYER_KEYS.map((k) => (
          <ToggleButton
            key={k}
            value={k}
            data-testid={`map-layer-${k}`}
            onClick={() => toggle(k, !layers[k])}
            sx={{
              py: 0.25,
              px: 1,
              fontSize: '0.95rem',
              textTransform: 'none',
              color: 'text.secondary',
              textDecoration: 'line-through',
              '&.Mui-selected, &.Mui-selected:hover': {
                bgcolor: 'rgba(90,169,230,0.30)',
                color: 'text.primary',
                textDecoration: 'none',
              },
            }}
          >
            {t(`siteMap.layer.${k}`)}
            {k === 'guards' && (
              <Box component="span" data-testid="map-guard-count" sx={{ ml: 0.5, color: 'success.main' }}>
                {located}
              </Box>
            )}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      <Button
        size="small"
        variant={replaying ? 'contained' : 'outlined'}
        onClick={() => (replaying ? closeReplay() : setReplaying(true))}
        data-testid="replay-open"
        sx={{ whiteSpace: 'nowrap', textTransform: 'none', fontSize: '0.95rem' }}
      >
        {t('siteMap.replay.open')}
      </Button>
    </Box>
  );

  return (
    <AreaPanel testId="site-map" title={t('areas.siteMap')} gridArea="map" actions={toolbar}>
      <Box
        className="site-map-root"
        sx={{ position: 'absolute', inset: 0, display: 'flex', flexDirection: 'column' }}
      >
        {replaying && (
          <ReplayBar
            track={track}
            at={replayAt}
            onTrack={setTrack}
            onAt={setReplayAt}
            onClose={closeReplay}
          />
        )}
        <Box sx={{ position: 'relative', flex: 1, minHeight: 0 }}>
          {site && planBounds && maxBounds && (
            <MapContainer
              bounds={planBounds}
              maxBounds={maxBounds}
              maxBoundsViscosity={1}
              zoomSnap={0.25}
              zoomDelta={0.5}
              maxZoom={22}
              attributionControl={false}
              style={{ position: 'absolute', inset: 0 }}
            >
              <FitPlan bounds={site.plan.bounds} />
              <ImageOverlay url={site.plan.imageUrl} bounds={planBounds} />
              {layers.zones && <ZonesLayer />}
              {layers.noParking && <NoParkingLayer />}
              {layers.posts && <PostsLayer />}
              {layers.patrols && <PatrolsLayer />}
              {layers.cameras && <CamerasLayer />}
              {layers.alarms && <AlarmsLayer />}
              {layers.guards && <GuardsLayer dim={track !== null} />}
              {track && <ReplayLayer track={track} at={replayAt} />}
            </MapContainer>
          )}
          {site && located === 0 && !replaying && (
            <Typography
              sx={{ position: 'absolute', bottom: 8, left: 8, zIndex: 1000, pointerEvents: 'none' }}
              color="text.secondary"
            >
              {t('map.noPositions')}
            </Typography>
          )}
        </Box>
      </Box>
    </AreaPanel>
  );
}
