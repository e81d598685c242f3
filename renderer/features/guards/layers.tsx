import type L from 'leaflet';
import { Fragment, memo, useEffect, useMemo, useRef } from 'react';
import { CircleMarker, Marker, Polygon, Polyline, Popup, Tooltip } from 'react-leaflet';
import { useTranslation } from 'react-i18next';
import type { AlarmView, GuardView } from '../../../shared/contract';
import { guardStatus, type GuardStatus } from '../../../shared/domain/guards';
import type { ZoneDef } from '../../../shared/domain/site';
import { useStore } from '../../api/store';
import { formatClock, useAge, useNow, useText } from '../../ui/hooks';
import { PRIORITY_COLOURS } from '../../ui/theme';
import { useAlarms } from '../alarms';
import { streamKey, useCameras } from '../cameras';
import { useSystem } from '../system';
import { alarmIcon, cameraIcon, CHECKPOINT_COLOURS, guardIcon } from './icons';
import { useMapAlarms } from './map-alarms';
import { useGuards } from './store';

/** A flood of thousands of alarms must not become thousands of animated markers: the most urgent only. */
export const MAX_ALARMS_ON_MAP = 100;

const ZONE_COLOURS: Record<ZoneDef['kind'], string> = {
  building: '#5aa9e6',
  gate: '#ffb74d',
  parking: '#9aa7b4',
  garden: '#66bb6a',
  fire_lane: '#ef5350',
  facility: '#ab47bc',
  perimeter: '#ff8a50',
};

export function ZonesLayer() {
  const site = useStore(useSystem().site);
  const text = useText();
  return (
    <>
      {(site?.zones ?? []).map((z) => (
        <Polygon
          key={z.id}
          positions={z.polygon.map((p) => [p.lat, p.lon] as [number, number])}
          pathOptions={{
            color: ZONE_COLOURS[z.kind],
            weight: 1.5,
            opacity: 0.7,
            fillOpacity: 0.08,
            dashArray: z.kind === 'perimeter' || z.kind === 'fire_lane' ? '6 4' : undefined,
          }}
        >
          <Tooltip sticky>{text(z.name)}</Tooltip>
        </Polygon>
      ))}
    </>
  );
}

/** No-parking areas (issue 17): hatched red for fire and emergency lanes, amber for crosswalks and others. */
export function NoParkingLayer() {
  const site = useStore(useSystem().site);
  const text = useText();
  const { t } = useTranslation();
  return (
    <>
      {(site?.noParking ?? []).map((a) => (
        <Polygon
          key={a.id}
          positions={a.polygon.map((p) => [p.lat, p.lon] as [number, number])}
          pathOptions={{
            color: a.kind === 'fire_lane' || a.kind === 'emergency_lane' ? '#ff1744' : '#ffab00',
            weight: 2,
            opacity: 0.9,
            fillOpacity: 0.22,
            dashArray: '2 6',
          }}
          // Set when the path is made (Leaflet applies no class given later through pathOptions).
          className={`no-parking no-parking-${a.kind}`}
        >
          <Tooltip sticky>
            {t(`violations.kind.${a.kind}`)} · {text(a.name)}
          </Tooltip>
        </Polygon>
      ))}
    </>
  );
}

export function CamerasLayer() {
  const site = useStore(useSystem().site);
  const streams = useStore(useCameras().streams);
  const text = useText();
  const { t } = useTranslation();
  return (
    <>
      {(site?.cameras ?? []).map((c) => {
        if (!c.position) return null;
        const offline = c.profiles.some((p) => streams[streamKey(c.id, p)]?.state === 'offline');
        return (
          <CameraMarker
            key={c.id}
            id={c.id}
            lat={c.position.lat}
            lon={c.position.lon}
            heading={c.heading}
            offline={offline}
            label={`${text(c.name)} · ${t('siteMap.showOnWall')}`}
          />
        );
      })}
    </>
  );
}

const CameraMarker = memo(function CameraMarker(p: {
  id: string;
  lat: number;
  lon: number;
  heading: number | undefined;
  offline: boolean;
  label: string;
}) {
  const cameras = useCameras();
  const handlers = useMemo(() => ({ click: () => cameras.showOnWall(p.id) }), [cameras, p.id]);
  const ref = useRef<L.Marker>(null);
  // Leaflet makes the marker a button: give it the camera's name, in the operator's language, for a screen reader.
  useEffect(() => {
    ref.current?.getElement()?.setAttribute('aria-label', p.label);
  }, [p.label, p.offline, p.heading]);
  return (
    <Marker
      ref={ref}
      position={[p.lat, p.lon]}
      icon={cameraIcon({ cameraId: p.id, heading: p.heading, offline: p.offline })}
      eventHandlers={handlers}
      zIndexOffset={-500}
    >
      <Tooltip direction="top" offset={[0, -12]}>
        {p.label}
      </Tooltip>
    </Marker>
  );
});

export function AlarmsLayer() {
  const store = useAlarms();
  const onMap = useMapAlarms(store.queue, MAX_ALARMS_ON_MAP);
  const selected = useStore(store.selected);
  const { t } = useTranslation();
  return (
    <>
      {onMap.map((a, slot) => (
        <AlarmMarker
          // Keyed by place in the list, not by alarm: when the most urgent change in a burst, the markers stay
          // and are moved and re-labelled, instead of being torn down and built again (and their pulse restarted).
          key={slot}
          alarm={a}
          selected={a.id === selected}
          label={t(`alarmType.${a.type}`)}
          drillLabel={t('alarms.drill')}
          onOpen={store.select}
        />
      ))}
    </>
  );
}

const AlarmMarker = memo(function AlarmMarker(p: {
  alarm: AlarmView;
  selected: boolean;
  label: string;
  drillLabel: string;
  onOpen(id: string): void;
}) {
  const { alarm: a, onOpen } = p;
  const ref = useRef<L.Marker>(null);
  const handlers = useMemo(() => ({ click: () => onOpen(a.id) }), [a.id, onOpen]);
  // The icon depends on the look only, so a marker handed another alarm of the same look keeps its element.
  const icon = alarmIcon({
    colour: PRIORITY_COLOURS[a.priority] ?? '#ef5350',
    isNew: a.state === 'new',
    selected: p.selected,
    drillLabel: a.drill ? p.drillLabel : undefined,
  });
  // Which alarm the element shows, for tests and for anyone inspecting the page (runs after a new icon's element).
  useEffect(() => {
    const element = ref.current?.getElement();
    element?.querySelector('[data-testid="map-alarm"]')?.setAttribute('data-alarm-id', a.id);
    // Leaflet makes the marker a button: its name is the alarm's, for a screen reader.
    element?.setAttribute('aria-label', `P${a.priority} · ${p.label}`);
  }, [icon, a.id, a.priority, p.label]);
  const lat = a.location?.lat;
  const lon = a.location?.lon;
  // The same array while the place is the same: a new one would make Leaflet move the marker on every render.
  const position = useMemo(() => [lat ?? 0, lon ?? 0] as [number, number], [lat, lon]);
  if (!a.location) return null;
  return (
    <Marker
      ref={ref}
      position={position}
      icon={icon}
      eventHandlers={handlers}
      // The most urgent on top where alarms overlap.
      zIndexOffset={1000 - a.priority * 100}
    >
      <Tooltip direction="top" offset={[0, -14]}>
        P{a.priority} · {p.label}
      </Tooltip>
    </Marker>
  );
});

/** What the marker shows after the name: nothing for a guard on patrol, else his status (and age if silent). */
function useGuardNote() {
  const { t } = useTranslation();
  const age = useAge();
  return (status: GuardStatus, lastAt: number, now: number) =>
    status === 'on_patrol'
      ? ''
      : status === 'stale'
        ? age(now - lastAt)
        : status === 'offline'
          ? `${t('siteMap.status.offline')} · ${age(now - lastAt)}`
          : t(`siteMap.status.${status}`);
}

export function GuardsLayer({ dim }: { dim: boolean }) {
  const store = useGuards();
  const site = useStore(useSystem().site);
  const guards = useStore(store.guards);
  const thresholds = useStore(store.thresholds);
  const now = useNow(1000);
  const text = useText();
  const note = useGuardNote();
  const defs = new Map((site?.guards ?? []).map((g) => [g.id, g]));
  return (
    <>
      {Object.values(guards).map((g) => {
        if (!g.last) return null;
        const status = guardStatus(g.duty, g.last.at, now, thresholds);
        return (
          <GuardMarker
            key={g.guardId}
            guard={g}
            name={text(defs.get(g.guardId)?.name) || g.guardId}
            phone={defs.get(g.guardId)?.phone}
            status={status}
            note={note(status, g.last.at, now)}
            dim={dim}
          />
        );
      })}
    </>
  );
}

/**
 * One guard. Memoised on what it shows, so a second ticking by re-renders nothing unless a status or label
 * changes; a new position only moves the existing element.
 */
const GuardMarker = memo(function GuardMarker(p: {
  guard: GuardView;
  name: string;
  phone: string | undefined;
  status: GuardStatus;
  note: string;
  dim: boolean;
}) {
  const ref = useRef<L.Marker>(null);
  const last = p.guard.last!;
  const { lat, lon } = last.position;
  const icon = guardIcon({
    guardId: p.guard.guardId,
    name: p.name,
    status: p.status,
    note: p.note,
    bearing: last.bearing,
    dim: p.dim,
  });
  // The position as an attribute, for tests and for anyone inspecting the page (Leaflet moves by CSS).
  useEffect(() => {
    ref.current
      ?.getElement()
      ?.querySelector('[data-testid="guard-marker"]')
      ?.setAttribute('data-position', `${lat.toFixed(6)},${lon.toFixed(6)}`);
  }, [icon, lat, lon]);
  return (
    <Marker
      ref={ref}
      position={[lat, lon]}
      icon={icon}
      zIndexOffset={p.status === 'sos' ? 2000 : 500}
      keyboard={false}
    >
      {/* A click, not a hover: a walking guard slides out from under the mouse and a tooltip would vanish. */}
      <Popup offset={[0, -8]} autoPan={false}>
        <GuardTip name={p.name} phone={p.phone} status={p.status} guard={p.guard} />
      </Popup>
    </Marker>
  );
});

/** Rendered only while the popup is open, so only that one guard's age ticks. */
function GuardTip({
  name,
  phone,
  status,
  guard,
}: {
  name: string;
  phone: string | undefined;
  status: GuardStatus;
  guard: GuardView;
}) {
  const { t } = useTranslation();
  const age = useAge();
  const now = useNow(1000);
  const last = guard.last;
  return (
    <span data-testid="guard-popup" data-guard-id={guard.guardId}>
      <b>{name}</b> · {t(`siteMap.status.${status}`)}
      {phone ? ` · ☎ ${phone}` : ''}
      <br />
      {last ? t('siteMap.positionAge', { age: age(now - last.at) }) : ''}
      {last?.speed !== undefined ? ` · ${last.speed.toFixed(1)} m/s` : ''}
      {last?.battery !== undefined ? ` · ${t('siteMap.battery', { n: Math.round(last.battery) })}` : ''}
    </span>
  );
}

export function PatrolsLayer() {
  const site = useStore(useSystem().site);
  const patrols = useStore(useGuards().patrols);
  const text = useText();
  const { t } = useTranslation();
  return (
    <>
      {(site?.routes ?? []).map((r) => {
        const states = new Map((patrols[r.id]?.current?.checkpoints ?? []).map((c) => [c.checkpointId, c]));
        return (
          <Fragment key={r.id}>
            <Polyline
              positions={r.checkpoints.map((c) => [c.position.lat, c.position.lon] as [number, number])}
              pathOptions={{ color: '#ce93d8', weight: 2.5, opacity: 0.55, dashArray: '8 6' }}
              interactive={false}
            />
            {r.checkpoints.map((c, i) => {
              const s = states.get(c.id);
              const state = s?.state ?? 'pending';
              return (
                <CircleMarker
                  key={c.id}
                  center={[c.position.lat, c.position.lon]}
                  radius={8}
                  className={`map-checkpoint checkpoint-${state}`}
                  pathOptions={{
                    color: '#0b0f14',
                    weight: 2.5,
                    fillColor: CHECKPOINT_COLOURS[state] ?? '#8d9aa6',
                    fillOpacity: 0.95,
                  }}
                >
                  <Tooltip direction="top" offset={[0, -8]}>
                    {text(r.name)} · {i + 1}. {text(c.name)} · {t(`siteMap.checkpoint.${state}`)}
                    {s?.at ? ` ${formatClock(s.at, false)}` : ''}
                  </Tooltip>
                </CircleMarker>
              );
            })}
          </Fragment>
        );
      })}
    </>
  );
}
