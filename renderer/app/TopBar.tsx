import { Box, Button, Chip, Tooltip, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { useConsole } from '../api/console';
import { useStore } from '../api/store';
import { bandAt, bandSpan, DEFAULT_BANDS } from '../../shared/domain/shift';
import { minuteOfDay } from '../../shared/domain/patrol';
import { formatClock, useLocale, useNow, useText } from '../ui/hooks';
import { setLocale } from '../ui/i18n';
import { DutyMenu } from '../features/duty/DutyMenu';

const HUB_COLOURS = { connected: 'success', connecting: 'warning', offline: 'error' } as const;

export function TopBar() {
  const { t } = useTranslation();
  const model = useConsole();
  const hub = useStore(model.hub);
  const site = useStore(model.site);
  const link = useStore(model.link);
  const locale = useLocale();
  const text = useText();
  const now = useNow(1000);
  // The shift follows the site's own clock and band edges, the same ones the patrol rounds use.
  const minute = site
    ? minuteOfDay(now, site.timeZone)
    : new Date(now).getHours() * 60 + new Date(now).getMinutes();
  const bands = site ? { dayStartMin: site.patrol.dayStart, dayEndMin: site.patrol.dayEnd } : DEFAULT_BANDS;
  const band = bandAt(minute, bands);

  const hubLabel = !hub
    ? t('hub.connecting')
    : hub.state === 'offline'
      ? t('hub.offlineSince', { time: formatClock(hub.since, false) })
      : t(`hub.${hub.state}`);

  return (
    <Box
      component="header"
      sx={{
        display: 'flex',
        alignItems: 'center',
        gap: 2,
        px: 2,
        height: 56,
        borderBottom: 1,
        borderColor: 'divider',
        bgcolor: '#0e141b',
      }}
    >
      <Box sx={{ minWidth: 0 }}>
        <Typography sx={{ fontWeight: 700, fontSize: '1.15rem', lineHeight: 1.1 }} noWrap>
          {t('app.title')}
        </Typography>
        <Typography variant="caption" color="text.secondary" noWrap>
          {site ? text(site.name) : t('app.subtitle')}
        </Typography>
      </Box>
      <Box sx={{ flex: 1 }} />
      {link === 'closed' && <Chip color="error" label={t('hub.coreLost')} data-testid="core-link" />}
      <Tooltip
        title={
          hub
            ? `${hub.hub} · ${t('hub.lastSeq', { seq: hub.lastSeq })}${hub.error ? ` · ${hub.error}` : ''}`
            : ''
        }
      >
        <Chip
          data-testid="hub-status"
          data-state={hub?.state ?? 'connecting'}
          data-outbox={hub?.outbox ?? 0}
          color={HUB_COLOURS[hub?.state ?? 'connecting']}
          variant={hub?.state === 'connected' ? 'outlined' : 'filled'}
          label={hub && hub.outbox > 0 ? `${hubLabel} · ${t('hub.outbox', { count: hub.outbox })}` : hubLabel}
          sx={{ fontSize: '0.95rem', height: 34 }}
        />
      </Tooltip>
      <Box data-testid="shift" sx={{ textAlign: 'right' }}>
        <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
          {t('topbar.shift')}
        </Typography>
        <Typography sx={{ fontWeight: 600 }}>
          {t(band === 'day' ? 'topbar.shiftDay' : 'topbar.shiftNight')} {bandSpan(minute, bands)}
        </Typography>
      </Box>
      <DutyMenu />
      <Typography
        data-testid="clock"
        sx={{ fontSize: '1.6rem', fontWeight: 700, fontVariantNumeric: 'tabular-nums' }}
      >
        {formatClock(now)}
      </Typography>
      <Tooltip title={t('topbar.languageTooltip')}>
        <Button
          data-testid="language-switch"
          variant="outlined"
          size="small"
          onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}
        >
          {t('topbar.language')}
        </Button>
      </Tooltip>
    </Box>
  );
}
