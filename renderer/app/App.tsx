import { Box, Button, CssBaseline, ThemeProvider, Typography } from '@mui/material';
import { useEffect, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PopOutArea } from '../../shared/domain/windows';
import { useStore } from '../api/store';
import { AlarmBanners, AlarmQueue, useAlarmSound } from '../features/alarms';
import { CameraWall } from '../features/cameras';
import { SiteMap } from '../features/guards';
import { LockScreen, SignIn, useIdleLock, useOperators } from '../features/operators';
import { useDensity, useLocalePref } from '../features/prefs';
import { ReplayPlayer, RetentionDialog } from '../features/recordings';
import { Notices } from '../features/system';
import { GateDesk } from '../features/vehicles';
import { useWindowSize } from '../ui/hooks';
import { usePopOuts } from '../ui/popout';
import { createConsoleTheme, themeScale } from '../ui/theme';
import type { Console as ConsoleStores } from './console';
import { ConsoleProvider } from './ConsoleProvider';
import { IncidentPanel } from './IncidentPanel';
import { Panes, useArrangementKeys } from './Panes';
import { TopBar } from './TopBar';

export function App({ console: c, popout }: { console: ConsoleStores; popout?: PopOutArea | undefined }) {
  return (
    <ConsoleProvider value={c}>
      <Themed>
        <CssBaseline />
        {popout ? <PopOut area={popout} /> : <Console />}
        <FloatingNotices popout={popout !== undefined} />
      </Themed>
    </ConsoleProvider>
  );
}

/** Type and controls at the operator's density, grown with the window above 1080p (ui/theme.ts). */
function Themed({ children }: { children: ReactNode }) {
  const { density } = useDensity();
  const { width, height } = useWindowSize();
  const scale = themeScale(density, width, height);
  const theme = useMemo(
    () => createConsoleTheme(scale),
    // The scale's two numbers, not its object: a resize that keeps them keeps the theme.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [scale.ui, scale.status],
  );
  return <ThemeProvider theme={theme}>{children}</ThemeProvider>;
}

function Arrangements() {
  useArrangementKeys();
  return null;
}

/** Where there is no top bar (signed out, a pop-out) notices float; signed in, the top bar holds them. */
function FloatingNotices({ popout }: { popout: boolean }) {
  const operator = useStore(useOperators().operator);
  return popout || !operator ? <Notices /> : null;
}

/** Signed out: only the sign-in (or first-start) form; nothing of the site before someone signs in. */
function SignedIn({ children }: { children: ReactNode }) {
  const operator = useStore(useOperators().operator);
  return operator ? children : <SignIn />;
}

const AREA_TITLE: Record<PopOutArea, string> = {
  wall: 'areas.cameraWall',
  map: 'areas.siteMap',
  queue: 'areas.alarmQueue',
};

/** A pop-out window: one area filling it, named in the operator's language (the title bar, the taskbar). */
function PopOut({ area }: { area: PopOutArea }) {
  const { t } = useTranslation();
  const title = `${t(AREA_TITLE[area])} · ${t('app.title')}`;
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <SignedIn>
      <Box sx={{ height: '100vh', display: 'flex', flexDirection: 'column', p: 0.5 }}>
        {area === 'wall' && <CameraWall popout />}
        {area === 'map' && <SiteMap />}
        {area === 'queue' && <AlarmQueue />}
      </Box>
    </SignedIn>
  );
}

/** Where an area that is out in its own window was: its name and a way to bring it back. */
function PoppedOut({ area }: { area: PopOutArea }) {
  const { t } = useTranslation();
  const { control } = usePopOuts();
  return (
    <Box
      data-testid={`popped-out-${area}`}
      sx={{
        height: '100%',
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        justifyContent: 'center',
        gap: 1,
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        color: 'text.secondary',
      }}
    >
      <Typography variant="h6">{t(AREA_TITLE[area])}</Typography>
      <Typography>{t('panes.poppedOut')}</Typography>
      <Button variant="outlined" onClick={() => control?.bringBack(area)} data-testid={`bring-back-${area}`}>
        {t('panes.bringBack')}
      </Button>
    </Box>
  );
}

/** An area in the console window, or where it was while it is out in a window of its own. */
function InPlace({ area, children }: { area: PopOutArea; children: ReactNode }) {
  const { open } = usePopOuts();
  return open.includes(area) ? <PoppedOut area={area} /> : children;
}

function Sound() {
  useAlarmSound();
  return null;
}

function IdleLock() {
  useIdleLock();
  return null;
}

function Console() {
  useLocalePref();
  return (
    <SignedIn>
      <Box sx={{ height: '100vh', display: 'flex', flexDirection: 'column' }}>
        <TopBar />
        <AlarmBanners />
        <Panes
          wall={
            <InPlace area="wall">
              <CameraWall />
            </InPlace>
          }
          map={
            <InPlace area="map">
              <SiteMap />
            </InPlace>
          }
          queue={
            <InPlace area="queue">
              <AlarmQueue />
            </InPlace>
          }
          incident={<IncidentPanel />}
        />
      </Box>
      {/* Only the main window sounds: a pop-out must not double the alarm tones. */}
      <Sound />
      <Arrangements />
      {/* Drawn over the console; the tones above keep sounding while it is locked. */}
      <ReplayPlayer />
      <RetentionDialog />
      <GateDesk />
      <LockScreen />
      <IdleLock />
    </SignedIn>
  );
}
