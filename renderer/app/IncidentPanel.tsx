import { Box, Button, Chip, Divider, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { guardStatus } from '../../shared/domain/guards';
import { useStore } from '../api/store';
import { AlarmDetail, useAlarms, type AlarmDetailSlots } from '../features/alarms';
import { CameraTile } from '../features/cameras';
import { WorkOrderButton } from '../features/facilities';
import { DispatchSection, GUARD_COLOURS, PatrolSummary, useGuards } from '../features/guards';
import { DutyTools, IncidentPlaybooks } from '../features/playbooks';
import { EvidenceClips, ReplayButton } from '../features/recordings';
import { ShiftBoardStrip } from '../features/reports';
import { useSystem } from '../features/system';
import { AreaPanel } from '../ui/AreaPanel';
import { TextDialog } from '../ui/dialogs';
import { formatClock, useAge, useNow, useText } from '../ui/hooks';
import { useCall } from '../ui/useCall';

const EMERGENCY = new Set(['police', 'fire', 'medical', 'traffic']);

/** The opened alarm's guards and cameras come from their own features; the app puts them in. */
const DETAIL_SLOTS: AlarmDetailSlots = {
  dispatch: (alarm) => (
    <>
      <WorkOrderButton alarm={alarm} />
      <DispatchSection alarm={alarm} />
    </>
  ),
  cameraTile: (camera, alarm) => (
    // Held to its grid cell: a tile's picture must not spill over the sections below it (the evidence clips).
    <Box sx={{ position: 'relative', height: '100%', minHeight: 0, overflow: 'hidden' }}>
      <CameraTile camera={camera} index={-1} profile="sub" />
      {/* The recording from 10 s before the alarm (pre-roll). */}
      <Box sx={{ position: 'absolute', bottom: 2, left: 4 }}>
        <ReplayButton cameraId={camera.id} from={alarm.raisedAt - 10_000} alarmId={alarm.id} />
      </Box>
    </Box>
  ),
  evidence: (alarm) => (alarm.cameras.length > 0 ? <EvidenceClips alarmId={alarm.id} /> : null),
};

/**
 * Where the operator works an incident. Until playbooks arrive it shows what an incident needs at hand:
 * the emergency numbers, the guards on duty with the age of their last position, and device faults.
 */
export function IncidentPanel() {
  const { t } = useTranslation();
  const system = useSystem();
  const guardsStore = useGuards();
  const site = useStore(system.site);
  const guards = useStore(guardsStore.guards);
  const thresholds = useStore(guardsStore.thresholds);
  const { run } = useCall('notice');
  const [clearing, setClearing] = useState<string | null>(null);
  const events = useStore(system.events);
  const text = useText();
  const age = useAge();
  const now = useNow(1000);
  const devices = events.filter((e) => e.kind === 'device').slice(0, 8);
  const contacts = site?.contacts ?? [];

  const selected = useStore(useAlarms().selected);
  if (selected) {
    return (
      <AreaPanel testId="incident-panel" title={t('areas.incidentPanel')} gridArea="incident">
        <IncidentPlaybooks key={selected} alarmId={selected} />
        <AlarmDetail id={selected} slots={DETAIL_SLOTS} />
      </AreaPanel>
    );
  }

  return (
    <AreaPanel testId="incident-panel" title={t('areas.incidentPanel')} gridArea="incident">
      <Box sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1.5 }}>
        <Typography color="text.secondary">{t('incident.noIncident')}</Typography>
        <ShiftBoardStrip />
        <DutyTools />
        <Divider />
        <Typography variant="subtitle2">{t('incident.contacts')}</Typography>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}>
          {contacts
            .filter((c) => EMERGENCY.has(c.kind))
            .map((c) => (
              <Box
                key={c.id}
                data-testid="contact"
                sx={{ border: 1, borderColor: 'divider', borderRadius: 1, px: 1.5, py: 0.5, minWidth: 96 }}
              >
                <Typography
                  sx={{
                    fontSize: '1.6rem',
                    fontWeight: 800,
                    lineHeight: 1.1,
                    color: c.kind === 'fire' ? 'error.main' : 'text.primary',
                  }}
                >
                  {c.number}
                </Typography>
                <Typography variant="caption" color="text.secondary">
                  {t(`contactKind.${c.kind}`)}
                </Typography>
              </Box>
            ))}
        </Box>
        <Divider />
        <Typography variant="subtitle2">{t('incident.guardsOnDuty')}</Typography>
        <Box component="ul" sx={{ m: 0, p: 0, listStyle: 'none' }}>
          {(site?.guards ?? []).map((g) => {
            const view = guards[g.id];
            const p = view?.last;
            const status = guardStatus(view?.duty ?? 'on_patrol', p?.at, now, thresholds);
            return (
              <Box
                component="li"
                key={g.id}
                data-testid="guard-row"
                data-guard-id={g.id}
                data-status={status}
                sx={{
                  display: 'flex',
                  alignItems: 'center',
                  gap: 1,
                  py: 0.25,
                  px: 0.5,
                  borderRadius: 1,
                  bgcolor: status === 'sos' ? 'rgba(239,83,80,0.22)' : undefined,
                }}
              >
                <Chip
                  size="small"
                  label={t(`siteMap.status.${status}`)}
                  sx={{ bgcolor: GUARD_COLOURS[status], color: '#0b0f14', minWidth: 72 }}
                />
                <Typography variant="body2" sx={{ flex: 1 }}>
                  {text(g.name)} {g.phone ? `· ${g.phone}` : ''} · {p ? age(now - p.at) : '—'}
                </Typography>
                {status === 'sos' && (
                  <Button
                    size="small"
                    variant="contained"
                    color="error"
                    data-testid="guard-clear-sos"
                    onClick={() => setClearing(g.id)}
                  >
                    {t('siteMap.sos.clear')}
                  </Button>
                )}
              </Box>
            );
          })}
        </Box>
        <TextDialog
          open={clearing !== null}
          title={t('siteMap.sos.title', {
            name: text(site?.guards.find((g) => g.id === clearing)?.name) || clearing,
          })}
          label={t('siteMap.sos.label')}
          testId="clear-sos-dialog"
          min={2}
          onClose={() => setClearing(null)}
          onSubmit={(note) => clearing && void run(() => guardsStore.clearSos(clearing, note))}
        />
        <Divider />
        <Typography variant="subtitle2">{t('siteMap.patrol.title')}</Typography>
        <PatrolSummary />
        <Divider />
        <Typography variant="subtitle2">{t('incident.deviceFaults')}</Typography>
        {devices.length === 0 ? (
          <Typography variant="body2" color="text.secondary">
            {t('incident.noDeviceEvents')}
          </Typography>
        ) : (
          devices.map((e) =>
            e.kind === 'device' ? (
              <Box
                key={e.seq}
                data-testid="device-event"
                sx={{ display: 'flex', gap: 1, alignItems: 'center' }}
              >
                <Chip
                  size="small"
                  color={e.data.state === 'ok' ? 'success' : 'error'}
                  label={t(`deviceState.${e.data.state}`)}
                />
                {/* The device as the equipment names it (a zone's label, a sensor's name), else its kind: its
                    raw address (account:zone:number) is the equipment's, shown in the sources view. */}
                <Typography variant="body2" sx={{ flex: 1 }} noWrap title={e.data.deviceId}>
                  {e.data.label ?? t(`deviceKind.${e.data.kind}`)}
                </Typography>
                <Typography variant="caption" color="text.secondary">
                  {formatClock(e.data.at)}
                </Typography>
              </Box>
            ) : null,
          )
        )}
      </Box>
    </AreaPanel>
  );
}
