import { Box, Typography } from '@mui/material';
import { useMemo } from 'react';
import { compareAlarms } from '../../../shared/domain/alarm-lifecycle';
import { useTranslation } from 'react-i18next';
import { distanceM, type LatLon } from '../../../shared/domain/geo';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { AreaPanel } from '../../app/AreaPanel';
import { PRIORITY_COLOURS } from '../../app/theme';
import { useAge, useNow, useText } from '../../app/hooks';

/** Guards are stale after this long without a position (a later issue makes it configurable). */
const STALE_MS = 60_000;
/** The plan is drawn into a box with the ground's true proportions, PLAN_H units tall. */
const PLAN_H = 1000;
const MAX_ALARMS_ON_MAP = 100;

/**
 * The site plan with live guard positions and recent alarm locations, placed by the plan's georeferenced
 * corners. (The full map with layers comes with the site-map feature.)
 */
export function SiteMap() {
  const { t } = useTranslation();
  const model = useConsole();
  const site = useStore(model.site);
  const guards = useStore(model.guards);
  const openAlarms = useStore(model.alarms);
  const text = useText();
  const age = useAge();
  const now = useNow(1000);

  const PLAN_W = site ? Math.round(PLAN_H * groundAspect(site.plan.bounds)) : PLAN_H;
  // The plan image and the markers share one viewBox, so they scale together at any panel size.
  const place = (p: LatLon) => {
    if (!site) return { cx: 0, cy: 0 };
    const { southWest: sw, northEast: ne } = site.plan.bounds;
    return {
      cx: ((p.lon - sw.lon) / (ne.lon - sw.lon)) * PLAN_W,
      cy: ((ne.lat - p.lat) / (ne.lat - sw.lat)) * PLAN_H,
    };
  };
  // Guards are views with duty and an optional last position (issue 6's model); the map draws those with one.
  const positions = Object.values(guards).flatMap((g) => (g.last ? [g.last] : []));
  // The most urgent alarms only: a flood of thousands must not turn the map into thousands of animated shapes.
  const alarmsOnMap = useMemo(
    () =>
      Object.values(openAlarms)
        .filter((a) => a.location)
        .sort(compareAlarms)
        .slice(0, MAX_ALARMS_ON_MAP),
    [openAlarms],
  );

  return (
    <AreaPanel
      testId="site-map"
      title={t('areas.siteMap')}
      gridArea="map"
      actions={<Typography color="text.secondary">{t('map.guards', { count: positions.length })}</Typography>}
    >
      {site && (
        <Box
          component="svg"
          viewBox={`0 0 ${PLAN_W} ${PLAN_H}`}
          preserveAspectRatio="xMidYMid meet"
          sx={{
            position: 'absolute',
            inset: 0,
            width: '100%',
            height: '100%',
            display: 'block',
            '@keyframes mapPulse': { '50%': { fillOpacity: 0.3 } },
          }}
        >
          <image
            href={site.plan.imageUrl}
            x={0}
            y={0}
            width={PLAN_W}
            height={PLAN_H}
            preserveAspectRatio="none"
          />
          {alarmsOnMap.map((a) => (
            <circle
              key={a.id}
              data-testid="map-alarm"
              data-alarm-id={a.id}
              {...place(a.location!)}
              r={a.state === 'new' ? 16 : 12}
              fill={PRIORITY_COLOURS[a.priority]}
              fillOpacity={0.85}
              stroke={a.drill ? '#fff' : '#0b0f14'}
              strokeWidth={3}
              strokeDasharray={a.drill ? '5 4' : undefined}
              data-drill={a.drill}
              style={{
                cursor: 'pointer',
                animation: a.state === 'new' ? 'mapPulse 1.2s ease-in-out infinite' : undefined,
              }}
              onClick={() => model.selectedAlarm.set(a.id)}
            >
              <title>{`${a.drill ? `${t('alarms.drill')} · ` : ''}${t(`alarmType.${a.type}`)}`}</title>
            </circle>
          ))}
          {positions.map((p) => {
            const guard = site.guards.find((g) => g.id === p.guardId);
            const stale = now - p.at > STALE_MS;
            const { cx, cy } = place(p.position);
            return (
              <g
                key={p.guardId}
                data-testid="guard-marker"
                data-guard-id={p.guardId}
                data-status={stale ? 'stale' : 'on_patrol'}
                transform={`translate(${cx} ${cy})`}
                style={{ transition: 'transform 0.8s linear' }}
              >
                <title>{`${text(guard?.name)} · ${age(now - p.at)}`}</title>
                <circle r={11} fill={stale ? '#8d9aa6' : '#66bb6a'} stroke="#0b0f14" strokeWidth={4} />
                <text
                  x={16}
                  y={8}
                  fontSize={26}
                  fill="#dbe3ea"
                  stroke="#0b0f14"
                  strokeWidth={6}
                  paintOrder="stroke"
                >
                  {text(guard?.name)}
                </text>
              </g>
            );
          })}
        </Box>
      )}
      {site && positions.length === 0 && (
        <Typography sx={{ position: 'absolute', bottom: 8, left: 8 }} color="text.secondary">
          {t('map.noPositions')}
        </Typography>
      )}
    </AreaPanel>
  );
}

/** Width over height of the ground the plan covers, in metres. */
function groundAspect(bounds: { southWest: LatLon; northEast: LatLon }): number {
  const { southWest: sw, northEast: ne } = bounds;
  const width = distanceM(sw, { lat: sw.lat, lon: ne.lon });
  const height = distanceM(sw, { lat: ne.lat, lon: sw.lon });
  return height > 0 ? width / height : 1;
}
