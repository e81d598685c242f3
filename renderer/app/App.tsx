import { Box, CssBaseline, ThemeProvider } from '@mui/material';
import { useMemo, type ReactNode } from 'react';
import { useStore } from '../api/store';
import { AlarmBanners, AlarmQueue, useAlarmSound } from '../features/alarms';
import { CameraWall } from '../features/cameras';
import { SiteMap } from '../features/guards';
import { LockScreen, SignIn, useIdleLock, useOperators } from '../features/operators';
import { useDensity, useLocalePref } from '../features/prefs';
import { ReplayPlayer } from '../features/recordings';
import { Notices } from '../features/system';
import { GateDesk } from '../features/vehicles';
import { useWindowSize } from '../ui/hooks';
import { createConsoleTheme, themeScale } from '../ui/theme';
import type { Console as ConsoleStores } from './console';
import { ConsoleProvider } from './ConsoleProvider';
import { IncidentPanel } from './IncidentPanel';
import { Panes, useArrangementKeys } from './Panes';
import { TopBar } from './TopBar';

export function App({ console: c, popout = false }: { console: ConsoleStores; popout?: boolean }) {
  return (
    <ConsoleProvider value={c}>
      <Themed>
        <CssBaseline />
        {popout ? <PopOut /> : <Console />}
        <FloatingNotices popout={popout} />
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

/** Where there is no top bar (signed out, a pop-out wall) notices float; signed in, the top bar holds them. */
function FloatingNotices({ popout }: { popout: boolean }) {
  const operator = useStore(useOperators().operator);
  return popout || !operator ? <Notices /> : null;
}

/** Signed out: only the sign-in (or first-start) form; nothing of the site before someone signs in. */
function SignedIn({ children }: { children: ReactNode }) {
  const operator = useStore(useOperators().operator);
  return operator ? children : <SignIn />;
}

function PopOut() {
  return (
    <SignedIn>
      <Box sx={{ height: '100vh', display: 'grid', gridTemplateAreas: '"wall"', p: 0.5 }}>
        <CameraWall popout />
      </Box>
    </SignedIn>
  );
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
        <Panes wall={<CameraWall />} map={<SiteMap />} queue={<AlarmQueue />} incident={<IncidentPanel />} />
      </Box>
      {/* Only the main window sounds: a pop-out wall must not double the alarm tones. */}
      <Sound />
      <Arrangements />
      {/* Drawn over the console; the tones above keep sounding while it is locked. */}
      <ReplayPlayer />
      <GateDesk />
      <LockScreen />
      <IdleLock />
    </SignedIn>
  );
}
