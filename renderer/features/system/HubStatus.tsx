import { Button, Chip, Tooltip } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from '../../api/store';
import { formatClock } from '../../ui/hooks';
import { EquipmentDialog } from './EquipmentDialog';
import { HubDeadLetters } from './HubDeadLetters';
import { useSystem } from './store';

const HUB_COLOURS = { connected: 'success', connecting: 'warning', offline: 'error' } as const;
/** "7,412" in both languages, as the control room writes counts. */
const COUNT = new Intl.NumberFormat('en-US');

/**
 * The link to the site hub (and, when it drops, to the core itself) as the top bar shows it: a warning when
 * the hub is reached without TLS, and for those who may read them (`showDeadLetters`: a supervisor is signed
 * in) how many hub messages were set aside, which opens them; and for them too (`showEquipment`) the hub's
 * sources and devices.
 */
export function HubStatus({
  showDeadLetters = false,
  showEquipment = false,
}: {
  showDeadLetters?: boolean;
  showEquipment?: boolean;
}) {
  const { t } = useTranslation();
  const system = useSystem();
  const hub = useStore(system.hub);
  const link = useStore(system.link);
  const [deadLettersOpen, setDeadLettersOpen] = useState(false);
  const [equipmentOpen, setEquipmentOpen] = useState(false);
  const label = !hub
    ? t('hub.connecting')
    : hub.state === 'offline'
      ? t('hub.offlineSince', { time: formatClock(hub.since, false) })
      : t(`hub.${hub.state}`);
  // Which of several instances (one database behind them) the link is on: named in the chip while connected.
  const instance = hub?.instance ? t('hub.instance', { name: hub.instance }) : undefined;
  // A host name can be 64 characters: the top bar keeps 20 of them, the tooltip the whole name.
  const short =
    hub?.instance && hub.instance.length > 20
      ? t('hub.instance', { name: `${hub.instance.slice(0, 19)}…` })
      : instance;
  const shown = hub?.state === 'connected' && short && hub.hubs ? `${label} · ${short}` : label;
  return (
    <>
      {link === 'closed' && <Chip color="error" label={t('hub.coreLost')} data-testid="core-link" />}
      <Tooltip
        title={
          hub
            ? [
                hub.hub,
                instance,
                t('hub.lastSeq', { seq: hub.lastSeq }),
                hub.hubs ? t('hub.instances', { n: hub.hubs }) : undefined,
                hub.error,
              ]
                .filter(Boolean)
                .join(' · ')
            : ''
        }
      >
        <Chip
          data-testid="hub-status"
          data-state={hub?.state ?? 'connecting'}
          data-outbox={hub?.outbox ?? 0}
          data-last-seq={hub?.lastSeq ?? 0}
          color={HUB_COLOURS[hub?.state ?? 'connecting']}
          variant={hub?.state === 'connected' ? 'outlined' : 'filled'}
          data-instance={hub?.instance ?? ''}
          label={hub && hub.outbox > 0 ? `${shown} · ${t('hub.outbox', { count: hub.outbox })}` : shown}
          sx={{ fontSize: '0.95rem', height: 34 }}
        />
      </Tooltip>
      {hub?.backlog ? (
        <Tooltip title={t('hub.catchingUpHint')}>
          <Chip
            data-testid="hub-backlog"
            data-backlog={hub.backlog}
            color="info"
            variant="outlined"
            label={t('hub.catchingUp', { n: COUNT.format(hub.backlog) })}
            sx={{ height: 34 }}
          />
        </Tooltip>
      ) : null}
      {hub?.insecure && (
        <Tooltip title={t('hub.insecureHint')}>
          <Chip data-testid="hub-insecure" color="warning" label={t('hub.insecure')} sx={{ height: 34 }} />
        </Tooltip>
      )}
      {showDeadLetters && hub?.deadLetters ? (
        <>
          <Chip
            data-testid="hub-dead-letters"
            color="warning"
            variant="outlined"
            label={t('hub.deadLetters', { count: hub.deadLetters })}
            onClick={() => setDeadLettersOpen(true)}
            sx={{ height: 34 }}
          />
          <HubDeadLetters open={deadLettersOpen} onClose={() => setDeadLettersOpen(false)} />
        </>
      ) : null}
      {showEquipment && (
        <>
          <Button
            data-testid="equipment-open"
            variant="outlined"
            size="small"
            onClick={() => setEquipmentOpen(true)}
            sx={{ height: 34, whiteSpace: 'nowrap' }}
          >
            {t('equipment.open')}
          </Button>
          {equipmentOpen && <EquipmentDialog open onClose={() => setEquipmentOpen(false)} />}
        </>
      )}
    </>
  );
}
