import { Box, Button, Chip, List, ListItemButton, Typography } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmView, MethodOutput } from '../../../shared/contract';
import { guardStatus } from '../../../shared/domain/guards';
import { distanceM } from '../../../shared/domain/geo';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { useNow, useText } from '../../ui/hooks';
import { useNotify } from '../../ui/notify';
import { useCall } from '../../ui/useCall';
import { useAlarms } from '../alarms';
import { useSystem } from '../system';
import { GUARD_COLOURS } from './icons';
import { useGuards } from './store';

/** Candidates move every second; the suggestion is refreshed this often while the alarm is open. */
const REFRESH_MS = 5000;

/**
 * "Dispatch guard": the nearest guards with distance and a rough walking ETA, free ones first (the core ranks
 * them); one click or Enter sends. The guards already sent show with an "Arrived" confirmation. The app puts it
 * into the alarm detail's dispatch slot: the alarms feature does not know the guards.
 */
export function DispatchSection({ alarm }: { alarm: AlarmView }) {
  const { t } = useTranslation();
  const client = useClient();
  const alarms = useAlarms();
  const guardsStore = useGuards();
  const site = useStore(useSystem().site);
  const guards = useStore(guardsStore.guards);
  const thresholds = useStore(guardsStore.thresholds);
  const text = useText();
  const notify = useNotify();
  const call = useCall('notice');
  const now = useNow(1000);
  const [suggestion, setSuggestion] = useState<MethodOutput<'guards.suggest'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const section = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const pendingFocus = useRef(false);
  const closed = alarm.state === 'resolved';

  useEffect(() => {
    if (closed) return undefined;
    let cancelled = false;
    const load = () =>
      void client.invoke('guards.suggest', { alarmId: alarm.id }).then((r) => {
        if (cancelled) return;
        if (r.ok) {
          setSuggestion(r.value);
          setError(null);
        } else setError(r.error.message);
      });
    load();
    const id = window.setInterval(load, REFRESH_MS);
    return () => {
      cancelled = true;
      window.clearInterval(id);
    };
  }, [client, alarm.id, alarm.state, closed]);

  // D in the queue: scroll here and put the keyboard on the best candidate, so Enter sends him.
  useEffect(() => {
    let handled = 0;
    const check = () => {
      const request = alarms.pickerRequest.get();
      if (!request || request.alarmId !== alarm.id || request.seq === handled) return;
      handled = request.seq;
      pendingFocus.current = true;
      section.current?.scrollIntoView({ block: 'nearest' });
      focusFirst();
    };
    const focusFirst = () => {
      const first = list.current?.querySelector<HTMLElement>('[data-testid="dispatch-candidate"]');
      if (pendingFocus.current && first) {
        first.focus();
        pendingFocus.current = false;
      }
    };
    check();
    return alarms.pickerRequest.subscribe(check);
  }, [alarms, alarm.id]);
  useEffect(() => {
    if (!pendingFocus.current) return;
    const first = list.current?.querySelector<HTMLElement>('[data-testid="dispatch-candidate"]');
    if (first) {
      first.focus();
      pendingFocus.current = false;
    }
  }, [suggestion]);

  const name = (guardId: string) => text(site?.guards.find((g) => g.id === guardId)?.name) || guardId;
  const assigned = Object.values(guards).filter(
    (g) => g.alarmId === alarm.id && (g.duty === 'dispatched' || g.duty === 'on_scene'),
  );
  const assignedIds = new Set(assigned.map((g) => g.guardId));
  const candidates = (suggestion?.candidates ?? []).filter((c) => !assignedIds.has(c.guardId));

  const send = async (guardId: string) => {
    if (await call.succeeds(() => guardsStore.dispatch(alarm.id, guardId)))
      notify({
        level: 'info',
        code: 'dispatched',
        message: t('siteMap.dispatch.sent', { name: name(guardId) }),
      });
  };

  return (
    <Box
      ref={section}
      data-testid="dispatch-section"
      sx={{ display: 'flex', flexDirection: 'column', gap: 0.5 }}
    >
      <Typography variant="subtitle2">{t('siteMap.dispatch.title')}</Typography>
      {assigned.map((g) => {
        const status = guardStatus(g.duty, g.last?.at, now, thresholds);
        const d =
          g.last && alarm.location ? Math.round(distanceM(g.last.position, alarm.location)) : undefined;
        return (
          <Box
            key={g.guardId}
            data-testid="assigned-guard"
            data-guard-id={g.guardId}
            data-duty={g.duty}
            sx={{ display: 'flex', alignItems: 'center', gap: 1 }}
          >
            <Chip
              size="small"
              label={t(`siteMap.status.${status}`)}
              sx={{ bgcolor: GUARD_COLOURS[status], color: '#0b0f14' }}
            />
            <Typography sx={{ fontWeight: 700 }}>{name(g.guardId)}</Typography>
            {d !== undefined && (
              <Typography color="text.secondary">{t('siteMap.dispatch.distance', { m: d })}</Typography>
            )}
            <Box sx={{ flex: 1 }} />
            {g.duty === 'dispatched' && (
              <Button
                size="small"
                variant="contained"
                color="success"
                title={t('siteMap.dispatch.arrivedHint')}
                data-testid="guard-arrived"
                onClick={() => void call.run(() => guardsStore.arrived(alarm.id, g.guardId))}
              >
                {t('siteMap.dispatch.arrived')}
              </Button>
            )}
          </Box>
        );
      })}
      {!closed && (
        <>
          {error ? (
            <Typography variant="body2" color="warning.main">
              {error}
            </Typography>
          ) : suggestion && !suggestion.target ? (
            <Typography variant="body2" color="text.secondary">
              {t('siteMap.dispatch.noLocation')}
            </Typography>
          ) : suggestion && candidates.length === 0 ? (
            <Typography variant="body2" color="text.secondary">
              {t('siteMap.dispatch.none')}
            </Typography>
          ) : (
            candidates.length > 0 && (
              <Typography variant="caption" color="text.secondary">
                {t('siteMap.dispatch.hint')}
              </Typography>
            )
          )}
          {/* A group of buttons, not a list of items: buttons directly in a <ul> are no list to a screen reader. */}
          <List ref={list} component="div" dense disablePadding data-testid="dispatch-candidates">
            {candidates.slice(0, 6).map((c) => (
              <ListItemButton
                key={c.guardId}
                data-testid="dispatch-candidate"
                data-guard-id={c.guardId}
                data-available={c.available}
                disabled={call.busy || c.status === 'sos'}
                onClick={() => void send(c.guardId)}
                sx={{
                  gap: 1,
                  border: 1,
                  borderColor: c.available ? 'success.dark' : 'divider',
                  borderRadius: 1,
                  mb: 0.5,
                  opacity: c.available ? 1 : 0.7,
                }}
              >
                <Box
                  sx={{
                    width: 12,
                    height: 12,
                    borderRadius: '50%',
                    bgcolor: GUARD_COLOURS[c.status],
                    flex: 'none',
                  }}
                />
                <Typography sx={{ fontWeight: 700, fontSize: '1.05rem', flex: 1 }}>
                  {name(c.guardId)}
                </Typography>
                <Typography sx={{ fontVariantNumeric: 'tabular-nums' }}>
                  {t('siteMap.dispatch.distance', { m: c.distanceM })}
                </Typography>
                <Typography sx={{ fontVariantNumeric: 'tabular-nums', minWidth: 80, textAlign: 'right' }}>
                  {t('siteMap.dispatch.eta', { min: Math.max(1, Math.round(c.etaSec / 60)) })}
                </Typography>
                <Typography color={c.available ? 'success.main' : 'text.secondary'} sx={{ minWidth: 64 }}>
                  {t(`siteMap.status.${c.status}`)}
                </Typography>
              </ListItemButton>
            ))}
          </List>
          {alarm.state !== 'dispatched' && alarm.state !== 'on_scene' && (
            <Button
              size="small"
              sx={{ alignSelf: 'flex-start' }}
              onClick={() => void call.run(() => alarms.dispatch(alarm.id))}
              data-testid="dispatch-without-guard"
            >
              {t('siteMap.dispatch.withoutGuard')}
            </Button>
          )}
        </>
      )}
    </Box>
  );
}
