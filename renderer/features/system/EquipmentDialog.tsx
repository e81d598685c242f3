import {
  Box,
  Button,
  Chip,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from '@mui/material';
import { Fragment, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceView, HubSourcesView } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { useStore } from '../../api/store';
import { ErrorAlert, ToolDialog } from '../../ui/dialogs';
import { formatClock, useText } from '../../ui/hooks';
import { useCall } from '../../ui/useCall';
import { useSystem } from './store';

type StateFilter = 'all' | DeviceView['state'];
const FILTERS: readonly StateFilter[] = ['all', 'offline', 'fault', 'ok'];
const SOURCE_COLOURS = {
  listening: 'success',
  connected: 'success',
  starting: 'warning',
  error: 'error',
  stopped: 'default',
} as const;
const DEVICE_COLOURS = { ok: 'success', fault: 'warning', offline: 'error' } as const;
const SHORT = { whiteSpace: 'nowrap', verticalAlign: 'top' } as const;
const MONO = { fontFamily: 'monospace', fontSize: '0.8rem', wordBreak: 'break-all' } as const;

/** A wall time with its date when it is not today: a device silent for days must not look recent. */
function stamp(at: number | undefined, never: string): string {
  if (at === undefined) return never;
  const sameDay = new Date(at).toDateString() === new Date().toDateString();
  return sameDay ? formatClock(at) : `${new Date(at).toLocaleDateString('sv-SE')} ${formatClock(at)}`;
}

/**
 * The site hub's equipment as a supervisor checks it: each source (asked of the hub each time: its state,
 * endpoint, connected peers, last message, counts and the inputs it refused last) and every device the hub
 * has reported, with when it was last heard from, filterable by state.
 */
export function EquipmentDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const text = useText();
  const site = useStore(useSystem().site);
  const sourcesCall = useCall();
  const devicesCall = useCall();
  const [sources, setSources] = useState<HubSourcesView | null>(null);
  const [devices, setDevices] = useState<{ devices: DeviceView[]; total: number } | null>(null);
  const [filter, setFilter] = useState<StateFilter>('all');
  const runSources = sourcesCall.run;
  const runDevices = devicesCall.run;

  const load = useCallback(
    (live: () => boolean) => {
      void runSources(() => client.call('hub.sources', {})).then((r) => {
        if (live() && r) setSources(r);
      });
      void runDevices(() => client.call('hub.devices', filter === 'all' ? {} : { states: [filter] })).then(
        (r) => {
          if (live() && r) setDevices(r);
        },
      );
    },
    [client, filter, runSources, runDevices],
  );

  useEffect(() => {
    if (!open) return;
    let live = true;
    load(() => live);
    return () => {
      live = false;
    };
  }, [open, load]);

  const zoneName = (id: string | undefined) =>
    id ? text(site?.zones.find((z) => z.id === id)?.name) || id : '—';

  return (
    <ToolDialog
      open={open}
      onClose={onClose}
      maxWidth="xl"
      testId="equipment-dialog"
      title={t('equipment.title')}
      actions={
        <Button data-testid="equipment-refresh" onClick={() => load(() => true)}>
          {t('equipment.refresh')}
        </Button>
      }
    >
      <Typography color="text.secondary">{t('equipment.hint')}</Typography>
      <Typography variant="h6" component="h3" sx={{ mt: 1 }}>
        {t('equipment.sourcesTitle')}
        {sources && (
          <Typography component="span" variant="body2" color="text.secondary" sx={{ ml: 1.5 }}>
            {t('equipment.askedAt', { time: formatClock(sources.at) })}
          </Typography>
        )}
      </Typography>
      <ErrorAlert error={sourcesCall.error} testId="equipment-sources-error" />
      {/* A hub that does not know the question is only known as such when the wait runs out (5 s). */}
      {sourcesCall.busy && (
        <Typography color="text.secondary" data-testid="equipment-sources-asking">
          {t('equipment.asking')}
        </Typography>
      )}
      {sources && !sources.answered && (
        <Typography data-testid="equipment-sources-silent">{t('equipment.silent')}</Typography>
      )}
      {sources?.answered && sources.sources.length === 0 && (
        <Typography data-testid="equipment-sources-empty">{t('equipment.noSources')}</Typography>
      )}
      {sources && sources.sources.length > 0 && (
        <Table size="small" data-testid="equipment-sources">
          <TableHead>
            <TableRow>
              <TableCell sx={SHORT}>{t('equipment.source')}</TableCell>
              <TableCell sx={SHORT}>{t('equipment.kind')}</TableCell>
              <TableCell sx={SHORT}>{t('equipment.state')}</TableCell>
              <TableCell>{t('equipment.endpoint')}</TableCell>
              <TableCell sx={SHORT} align="right">
                {t('equipment.peers')}
              </TableCell>
              <TableCell sx={SHORT}>{t('equipment.lastMessage')}</TableCell>
              <TableCell sx={SHORT} align="right">
                {t('equipment.received')}
              </TableCell>
              <TableCell sx={SHORT} align="right">
                {t('equipment.refused')}
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {sources.sources.map((s) => (
              <Fragment key={s.id}>
                <TableRow data-testid="equipment-source" data-source-id={s.id} data-state={s.state}>
                  <TableCell sx={{ ...SHORT, fontWeight: 700 }}>{s.id}</TableCell>
                  <TableCell sx={SHORT}>{t(`origin.sources.${s.kind}`)}</TableCell>
                  <TableCell sx={SHORT}>
                    <Chip
                      size="small"
                      color={SOURCE_COLOURS[s.state]}
                      label={t(`equipment.sourceState.${s.state}`)}
                    />
                    {s.detail && (
                      <Typography
                        variant="body2"
                        color="error.light"
                        sx={{ whiteSpace: 'normal' }}
                        title={s.detail}
                        data-testid="equipment-source-problem"
                      >
                        {s.problem ? t(`equipment.sourceProblem.${s.problem}`) : s.detail}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell sx={MONO}>{s.endpoint ?? '—'}</TableCell>
                  <TableCell sx={SHORT} align="right">
                    {s.peers}
                  </TableCell>
                  <TableCell sx={SHORT}>{stamp(s.lastMessageAt, t('equipment.never'))}</TableCell>
                  <TableCell sx={SHORT} align="right">
                    {s.received}
                  </TableCell>
                  <TableCell
                    sx={{ ...SHORT, color: s.refused > 0 ? 'warning.main' : undefined }}
                    align="right"
                  >
                    {s.refused}
                  </TableCell>
                </TableRow>
                {s.lastRefused.length > 0 && (
                  <TableRow data-testid="equipment-refused" data-source-id={s.id}>
                    <TableCell colSpan={8} sx={{ pl: 4 }}>
                      <Typography variant="body2" color="text.secondary">
                        {t('equipment.lastRefused')}
                      </Typography>
                      {s.lastRefused.map((r, i) => (
                        <Typography key={i} variant="body2" component="div" sx={{ mt: 0.25 }}>
                          {stamp(r.at, '')} · {t('equipment.refusedPeer')} {r.peer} ·{' '}
                          {t('equipment.refusedReason')}{' '}
                          {/* The source's own technical wording stays one hover away, for whoever fixes the
                              equipment; the line itself is in the operator's language. A hub older than the
                              codes sends only that wording. */}
                          <Box component="span" title={r.reason} data-testid="equipment-refused-reason">
                            {r.code ? t(`equipment.refusal.${r.code}`) : r.reason}
                          </Box>
                          {/* The bytes as the source received them: evidence for whoever fixes the equipment. */}
                          <Box component="span" sx={{ ...MONO, display: 'block', color: 'text.secondary' }}>
                            {r.raw}
                          </Box>
                        </Typography>
                      ))}
                    </TableCell>
                  </TableRow>
                )}
              </Fragment>
            ))}
          </TableBody>
        </Table>
      )}
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mt: 2 }}>
        <Typography variant="h6" component="h3">
          {t('equipment.devicesTitle')}
        </Typography>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={filter}
          onChange={(_e, v: StateFilter | null) => v && setFilter(v)}
          aria-label={t('equipment.state')}
          data-testid="equipment-device-filter"
        >
          {FILTERS.map((f) => (
            <ToggleButton key={f} value={f} data-testid={`equipment-filter-${f}`}>
              {f === 'all' ? t('equipment.allStates') : t(`equipment.deviceState.${f}`)}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      </Box>
      <ErrorAlert error={devicesCall.error} />
      {devices && devices.devices.length === 0 && (
        <Typography data-testid="equipment-devices-empty">
          {filter === 'all' ? t('equipment.noDevices') : t('equipment.noDevicesMatch')}
        </Typography>
      )}
      {devices && devices.devices.length > 0 && (
        <Table size="small" data-testid="equipment-devices">
          <TableHead>
            <TableRow>
              <TableCell sx={SHORT}>{t('equipment.device')}</TableCell>
              <TableCell>{t('equipment.label')}</TableCell>
              <TableCell sx={SHORT}>{t('equipment.kind')}</TableCell>
              <TableCell sx={SHORT}>{t('equipment.zone')}</TableCell>
              <TableCell sx={SHORT}>{t('equipment.state')}</TableCell>
              <TableCell sx={SHORT}>{t('equipment.lastSeen')}</TableCell>
              <TableCell sx={SHORT}>{t('equipment.supervision')}</TableCell>
              <TableCell sx={SHORT}>{t('equipment.source')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {devices.devices.map((d) => (
              <TableRow
                key={d.deviceId}
                data-testid="equipment-device"
                data-device-id={d.deviceId}
                data-state={d.state}
              >
                <TableCell sx={{ ...SHORT, ...MONO }}>{d.deviceId}</TableCell>
                <TableCell>{d.label ?? d.text ?? '—'}</TableCell>
                <TableCell sx={SHORT}>{t(`deviceKind.${d.kind}`)}</TableCell>
                <TableCell sx={SHORT}>{zoneName(d.zone)}</TableCell>
                <TableCell sx={SHORT}>
                  <Chip
                    size="small"
                    color={DEVICE_COLOURS[d.state]}
                    label={t(`equipment.deviceState.${d.state}`)}
                  />
                </TableCell>
                <TableCell sx={SHORT}>{stamp(d.lastSeenAt ?? d.at, t('equipment.never'))}</TableCell>
                <TableCell sx={SHORT}>
                  {d.supervisionSec
                    ? t('equipment.supervisionSec', { n: d.supervisionSec })
                    : t('equipment.notSupervised')}
                </TableCell>
                <TableCell sx={SHORT}>
                  {d.origin
                    ? `${t(`origin.sources.${d.origin.source}`)}${d.origin.sourceId ? ` · ${d.origin.sourceId}` : ''}`
                    : '—'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {devices && devices.total > devices.devices.length && (
        <Typography variant="caption" color="text.secondary">
          {t('equipment.devicesMore', { shown: devices.devices.length, total: devices.total })}
        </Typography>
      )}
    </ToolDialog>
  );
}
