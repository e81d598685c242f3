import { Box, Button, Chip, Divider, IconButton, Typography } from '@mui/material';
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmView, CameraView } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { TextDialog } from '../../ui/dialogs';
import { formatClock, useLocale, useText } from '../../ui/hooks';
import { pickAlarmText } from '../../../shared/domain/text';
import { PRIORITY_COLOURS } from '../../ui/theme';
import { useCall } from '../../ui/useCall';
import { useSystem } from '../system';
import { ResolveAndNoteDialogs } from './dialogs';
import { useAlarm, useAlarms } from './store';

/**
 * The alarm's device by its name as the equipment's configuration gives it (a detector's 部件说明, a sensor's name),
 * its address beside it; the address alone until the core has said (or when it knows no name).
 */
function DeviceName({ deviceId }: { deviceId: string }) {
  const client = useClient();
  // Kept with the id it belongs to: another alarm's device never shows its name for a moment.
  const [found, setFound] = useState<{ id: string; label: string | undefined }>();
  const label = found?.id === deviceId ? found.label : undefined;
  useEffect(() => {
    let live = true;
    client.call('hub.device', { deviceId }).then(
      (r) => live && setFound({ id: deviceId, label: r.device?.label }),
      // No name is no loss: the address stays.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [client, deviceId]);
  return (
    <span data-testid="alarm-device" data-device-id={deviceId}>
      {label && <b>{label} </b>}
      {/* The equipment's own address for the device: data, not the console's words. */}
      <span translate="no" style={label ? { opacity: 0.7 } : undefined}>
        {label ? `(${deviceId})` : deviceId}
      </span>
    </span>
  );
}

/** Where the alarm is, on a small copy of the site plan. */
function MiniMap({ alarm }: { alarm: AlarmView }) {
  const site = useStore(useSystem().site);
  if (!site || !alarm.location) return null;
  const { southWest: sw, northEast: ne } = site.plan.bounds;
  const x = ((alarm.location.lon - sw.lon) / (ne.lon - sw.lon)) * 1200;
  const y = ((ne.lat - alarm.location.lat) / (ne.lat - sw.lat)) * 1000;
  return (
    <Box
      component="svg"
      data-testid="alarm-minimap"
      viewBox={`${x - 240} ${y - 170} 480 340`}
      sx={{ width: '100%', height: 140, bgcolor: '#000', borderRadius: 1 }}
    >
      <image href={site.plan.imageUrl} x={0} y={0} width={1200} height={1000} preserveAspectRatio="none" />
      <circle
        cx={x}
        cy={y}
        r={18}
        fill={PRIORITY_COLOURS[alarm.priority]}
        fillOpacity={0.85}
        stroke="#fff"
        strokeWidth={3}
      />
    </Box>
  );
}

/**
 * Where the alarm came from: the hub's source in the operator's words and what the equipment said, each field
 * under its usual name when the console knows it and as the equipment named it otherwise.
 */
function Origin({ alarm }: { alarm: AlarmView }) {
  const { t, i18n } = useTranslation();
  const origin = alarm.origin;
  if (!origin) return null;
  const known = (name: string) => i18n.exists(`origin.fields.${name}`);
  // An event's name comes in both languages (`codeName_zh`, `codeName_en`): the operator reads theirs only.
  const lang = i18n.language.startsWith('zh') ? 'zh' : 'en';
  const fields = Object.entries(origin.fields)
    .filter(([name]) => !/^codeName_(zh|en)$/.test(name) || name === `codeName_${lang}`)
    .map(([name, value]) => [name.replace(/^codeName_(zh|en)$/, 'codeName'), value] as const);
  const shown = (value: string | number | boolean) =>
    typeof value === 'boolean' ? t(value ? 'origin.yes' : 'origin.no') : String(value);
  return (
    <Box
      data-testid="alarm-origin"
      data-source={origin.source}
      sx={{ bgcolor: 'rgba(255,255,255,0.04)', borderRadius: 1, px: 1.25, py: 0.75 }}
    >
      <Typography variant="subtitle2" component="div">
        {t('origin.title')}: <b data-testid="alarm-origin-source">{t(`origin.sources.${origin.source}`)}</b>
        {origin.sourceId ? (
          <Typography component="span" variant="body2" color="text.secondary">
            {' '}
            · {t('origin.sourceId')} {origin.sourceId}
          </Typography>
        ) : null}
      </Typography>
      {fields.length > 0 && (
        <Box
          component="dl"
          sx={{ m: 0, mt: 0.5, display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 1.5 }}
        >
          {fields.map(([name, value]) => (
            <Fragment key={name}>
              {/* A name or value the console has no words for is the equipment's own (an ISAPI event type such as
                  "linedetection", a panel's zone text): evidence, shown as sent, in no language of ours. */}
              <Typography
                component="dt"
                variant="body2"
                color="text.secondary"
                translate={known(name) ? undefined : 'no'}
              >
                {known(name) ? t(`origin.fields.${name}`) : name}
              </Typography>
              <Typography
                component="dd"
                variant="body2"
                data-testid="alarm-origin-field"
                data-field={name}
                translate={typeof value === 'boolean' ? undefined : 'no'}
                sx={{ m: 0, wordBreak: 'break-all' }}
              >
                {shown(value)}
              </Typography>
            </Fragment>
          ))}
        </Box>
      )}
    </Box>
  );
}

/**
 * What other features show inside the opened alarm. The app fills them (guards: who to send; cameras: a live
 * tile), so the alarms feature needs neither, while both of them read the alarms store.
 */
export interface AlarmDetailSlots {
  /** Under the actions: the guards to send and those already sent. */
  dispatch(alarm: AlarmView): ReactNode;
  /** One of the alarm's cameras (at most two), live; with the alarm, for a replay from just before it. */
  cameraTile(camera: CameraView, alarm: AlarmView): ReactNode;
  /** Under the cameras: the evidence clips exported from this alarm (「保存相关录像」). */
  evidence?(alarm: AlarmView): ReactNode;
}

/** The opened alarm: what, where, when, its cameras live, its trail and its device's recent history. */
export function AlarmDetail({ id, slots }: { id: string; slots: AlarmDetailSlots }) {
  const { t } = useTranslation();
  const alarms = useAlarms();
  const site = useStore(useSystem().site);
  const stored = useStore(alarms.detail);
  const detail = stored?.id === id ? stored : null;
  const alarm = useAlarm(id);
  const text = useText();
  const locale = useLocale();
  const { run } = useCall('notice');
  const [dialog, setDialog] = useState<'resolve' | 'note' | 'reopen' | null>(null);

  if (!alarm) return null;
  const zone = text(site?.zones.find((z) => z.id === alarm.zone)?.name) || alarm.zone || '—';
  const said = pickAlarmText(alarm, locale);
  const cameras = alarm.cameras
    .map((c) => site?.cameras.find((x) => x.id === c))
    .filter((c) => c !== undefined)
    .slice(0, 2);
  const trail = detail ? [...detail.events, ...detail.added] : [];

  return (
    <Box
      data-testid="alarm-detail"
      data-alarm-id={id}
      sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1 }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Chip
          label={`P${alarm.priority}`}
          sx={{ bgcolor: PRIORITY_COLOURS[alarm.priority], color: '#0b0f14', fontWeight: 800 }}
        />
        <Typography sx={{ fontWeight: 800, fontSize: '1.25rem', flex: 1 }}>
          {t(`alarmType.${alarm.type}`)}
        </Typography>
        {alarm.restoredAt !== undefined && alarm.state !== 'resolved' && (
          <Chip
            data-testid="alarm-detail-restored"
            color="success"
            variant="outlined"
            label={t('origin.restored')}
          />
        )}
        <Chip
          data-testid="alarm-detail-state"
          color={alarm.state === 'new' ? 'error' : alarm.state === 'resolved' ? 'success' : 'warning'}
          label={t(`alarmState.${alarm.state}`)}
        />
        <IconButton
          data-testid="alarm-detail-close"
          aria-label={t('form.close')}
          onClick={() => alarms.select(null)}
          size="small"
        >
          ✕
        </IconButton>
      </Box>
      <Typography>
        {t('alarms.where')}: <b>{zone}</b>
        {alarm.deviceId ? (
          <>
            {' · '}
            <DeviceName deviceId={alarm.deviceId} />
          </>
        ) : null}
        {alarm.count > 1 ? ` · ${t('alarms.count', { n: alarm.count })}` : ''}
      </Typography>
      {said && (
        <Typography color="text.secondary" data-testid="alarm-text">
          {said}
        </Typography>
      )}
      {alarm.restoredAt !== undefined && alarm.state !== 'resolved' && (
        <Typography variant="body2" sx={{ color: 'success.light' }}>
          {t('origin.restoredAt', { time: formatClock(alarm.restoredAt) })}
        </Typography>
      )}
      <Origin alarm={alarm} />
      <Typography variant="body2" color="text.secondary">
        {t('alarms.raisedAt', { time: formatClock(alarm.raisedAt) })} ·{' '}
        {t('alarms.receivedAt', { time: formatClock(alarm.receivedAt) })}
        {alarm.acknowledgedAt
          ? ` · ${t('alarms.acknowledgedBy', { who: alarm.acknowledgedBy, time: formatClock(alarm.acknowledgedAt) })}`
          : ''}
        {alarm.resolvedAt
          ? ` · ${t('alarms.resolvedBy', { who: alarm.resolvedBy, time: formatClock(alarm.resolvedAt) })}`
          : ''}
      </Typography>
      <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
        {alarm.state === 'resolved' ? (
          <Button size="small" variant="outlined" onClick={() => setDialog('reopen')}>
            {t('alarms.reopen')}
          </Button>
        ) : (
          <>
            <Button
              size="small"
              variant="contained"
              color="error"
              disabled={alarm.state !== 'new'}
              onClick={() => void run(() => alarms.acknowledge(id))}
              data-testid="detail-ack"
            >
              {t('alarms.acknowledge')}
            </Button>
            <Button
              size="small"
              variant="outlined"
              disabled={alarm.state === 'on_scene'}
              onClick={() => alarms.requestDispatchPicker(id)}
              data-testid="detail-dispatch"
            >
              {t('alarms.dispatch')}
            </Button>
            <Button
              size="small"
              variant="outlined"
              disabled={alarm.state === 'on_scene'}
              onClick={() => void run(() => alarms.onScene(id))}
            >
              {t('alarms.onScene')}
            </Button>
            <Button
              size="small"
              variant="outlined"
              onClick={() => setDialog('resolve')}
              data-testid="detail-resolve"
            >
              {t('alarms.resolve')}
            </Button>
          </>
        )}
        <Button size="small" onClick={() => setDialog('note')}>
          {t('alarms.addNote')}
        </Button>
      </Box>
      {slots.dispatch(alarm)}
      {cameras.length > 0 && (
        <Box
          data-testid="alarm-cameras"
          sx={{
            display: 'grid',
            gridTemplateColumns: `repeat(${cameras.length}, 1fr)`,
            gap: 0.5,
            height: 150,
          }}
        >
          {cameras.map((c) => (
            <Fragment key={c.id}>{slots.cameraTile(c, alarm)}</Fragment>
          ))}
        </Box>
      )}
      {slots.evidence?.(alarm)}
      <MiniMap alarm={alarm} />
      <Divider />
      <Typography variant="subtitle2">{t('alarms.trail')}</Typography>
      <Box data-testid="alarm-trail" component="ol" sx={{ m: 0, pl: 2.5 }}>
        {trail.map((e, i) => (
          <li key={i}>
            <Typography variant="body2">
              {formatClock(e.at)} · {e.toState ? t(`alarmState.${e.toState}`) : t(`alarmEventKind.${e.kind}`)}{' '}
              {e.operatorName && e.operatorName !== 'system' ? `· ${e.operatorName}` : ''}
              {e.note ? ` — ${e.note}` : ''}
            </Typography>
          </li>
        ))}
      </Box>
      <Typography variant="subtitle2">{t('alarms.deviceHistory')}</Typography>
      {(detail?.deviceHistory ?? []).length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {t('alarms.noDeviceHistory')}
        </Typography>
      ) : (
        detail!.deviceHistory.slice(0, 8).map((h) => (
          <Typography key={h.id} variant="body2" color="text.secondary">
            {new Date(h.receivedAt).toLocaleDateString('sv-SE')} {formatClock(h.receivedAt)} ·{' '}
            {t(`alarmType.${h.type}`)} · {t(`alarmState.${h.state}`)}
            {h.disposition ? ` · ${t(`disposition.${h.disposition}`)}` : ''}
          </Typography>
        ))
      )}
      <ResolveAndNoteDialogs
        alarm={alarm}
        open={dialog === 'reopen' ? null : dialog}
        onClose={() => setDialog(null)}
      />
      <TextDialog
        open={dialog === 'reopen'}
        title={t('alarms.reopen')}
        label={t('alarms.reason')}
        testId="reopen-dialog"
        min={2}
        onClose={() => setDialog(null)}
        onSubmit={(reason) => void run(() => alarms.reopen(id, reason))}
      />
    </Box>
  );
}
