import { Box, Chip, Divider, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { useConsole } from '../../api/console';
import { useStore } from '../../api/store';
import { AreaPanel } from '../../app/AreaPanel';
import { formatClock, useAge, useNow, useText } from '../../app/hooks';
import { AlarmDetail } from '../alarms/AlarmDetail';
import { DutyTools } from '../playbooks/DutyTools';
import { IncidentPlaybooks } from '../playbooks/IncidentPlaybooks';

const EMERGENCY = new Set(['police', 'fire', 'medical', 'traffic']);

/**
 * Where the operator works an incident. Until playbooks arrive it shows what an incident needs at hand:
 * the emergency numbers, the guards on duty with the age of their last position, and device faults.
 */
export function IncidentPanel() {
  const { t } = useTranslation();
  const model = useConsole();
  const site = useStore(model.site);
  const guards = useStore(model.guards);
  const events = useStore(model.events);
  const text = useText();
  const age = useAge();
  const now = useNow(1000);
  const devices = events.filter((e) => e.kind === 'device').slice(0, 8);
  const contacts = site?.contacts ?? [];

  const selected = useStore(model.selectedAlarm);
  if (selected) {
    return (
      <AreaPanel testId="incident-panel" title={t('areas.incidentPanel')} gridArea="incident">
        <IncidentPlaybooks key={selected} alarmId={selected} />
        <AlarmDetail id={selected} />
      </AreaPanel>
    );
  }

  return (
    <AreaPanel testId="incident-panel" title={t('areas.incidentPanel')} gridArea="incident">
      <Box sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1.5 }}>
        <Typography color="text.secondary">{t('incident.noIncident')}</Typography>
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
        <Box component="ul" sx={{ m: 0, pl: 2 }}>
          {(site?.guards ?? []).map((g) => {
            const p = guards[g.id]?.last;
            return (
              <li key={g.id} data-testid="guard-row" data-guard-id={g.id}>
                <Typography variant="body2">
                  {text(g.name)} {g.phone ? `· ${g.phone}` : ''} · {p ? age(now - p.at) : '—'}
                </Typography>
              </li>
            );
          })}
        </Box>
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
                <Typography variant="body2" sx={{ flex: 1 }} noWrap>
                  {e.data.deviceId}
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
