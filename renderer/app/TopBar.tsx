import { Box, Button, Tooltip, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { roleAllows } from '../../shared/contract';
import { minuteOfDay } from '../../shared/domain/patrol';
import { bandAt, bandSpan, DEFAULT_BANDS } from '../../shared/domain/shift';
import { useStore } from '../api/store';
import { DutyMenu } from '../features/duty';
import { FacilitiesButton } from '../features/facilities';
import { useOperators } from '../features/operators';
import { RetentionButton } from '../features/recordings';
import { ReportsButton } from '../features/reports';
import { HubStatus, Notices, useSystem } from '../features/system';
import { GateButton } from '../features/vehicles';
import { formatClock, useLocale, useNow, useText } from '../ui/hooks';
import { setLocale } from '../ui/i18n';
import { LayoutMenu } from './LayoutMenu';

export function TopBar() {
  const { t } = useTranslation();
  const site = useStore(useSystem().site);
  const operator = useStore(useOperators().operator);
  const locale = useLocale();
  const text = useText();
  const now = useNow(1000);
  // The shift follows the site's own clock and band edges, the same ones the patrol rounds use.
  const minute = site
    ? minuteOfDay(now, site.timeZone)
    : new Date(now).getHours() * 60 + new Date(now).getMinutes();
  const bands = site ? { dayStartMin: site.patrol.dayStart, dayEndMin: site.patrol.dayEnd } : DEFAULT_BANDS;
  const band = bandAt(minute, bands);
  const supervisor = operator ? roleAllows(operator.role, 'supervisor') : false;

  return (
    <Box
      component="header"
      sx={{
        display: 'flex',
        alignItems: 'center',
        // Tighter on a narrow window, and a second line rather than a cut title when even that is not enough.
        flexWrap: 'wrap',
        columnGap: { xs: 1, xl: 2 },
        px: { xs: 1, xl: 2 },
        minHeight: (theme) => theme.spacing(7),
        flexShrink: 0,
        borderBottom: 1,
        borderColor: 'divider',
        bgcolor: '#0e141b',
      }}
    >
      <Box sx={{ flexShrink: 0 }}>
        <Typography
          data-testid="app-title"
          sx={{ fontWeight: 700, fontSize: '1.15rem', lineHeight: 1.1 }}
          noWrap
        >
          {t('app.title')}
        </Typography>
        <Typography variant="caption" color="text.secondary" noWrap>
          {site ? text(site.name) : t('app.subtitle')}
        </Typography>
      </Box>
      {/* Notices take the free middle of the bar: a place of their own, so none ever covers a control. */}
      <Notices inline />
      {/* Dead letters and the equipment view carry raw hub traffic: their methods are a supervisor's, and so are
          the controls that open them. */}
      <HubStatus showDeadLetters={supervisor} showEquipment={supervisor} />
      <Box data-testid="shift" sx={{ textAlign: 'right' }}>
        <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
          {t('topbar.shift')}
        </Typography>
        <Typography sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
          {t(band === 'day' ? 'topbar.shiftDay' : 'topbar.shiftNight')} {bandSpan(minute, bands)}
        </Typography>
      </Box>
      <FacilitiesButton />
      <ReportsButton />
      <GateButton />
      <DutyMenu />
      <RetentionButton />
      <Typography
        data-testid="clock"
        sx={{ fontSize: '1.6rem', fontWeight: 700, fontVariantNumeric: 'tabular-nums' }}
      >
        {formatClock(now)}
      </Typography>
      <LayoutMenu />
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
