import { Box, CssBaseline, ThemeProvider } from '@mui/material';
import type { ReactNode } from 'react';
import { useStore } from '../api/store';
import { AlarmBanners, AlarmQueue, useAlarmSound } from '../features/alarms';
import { CameraWall } from '../features/cameras';
import { SiteMap } from '../features/guards';
import { LockScreen, SignIn, useIdleLock, useOperators } from '../features/operators';
import { useLocalePref } from '../features/prefs';
import { Notices } from '../features/system';
import { theme } from '../ui/theme';
import type { Console as ConsoleStores } from './console';
import { ConsoleProvider } from './ConsoleProvider';
import { IncidentPanel } from './IncidentPanel';
import { TopBar } from './TopBar';

export function App({ console: c, popout = false }: { console: ConsoleStores; popout?: boolean }) {
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <ConsoleProvider value={c}>
        {popout ? <PopOut /> : <Console />}
        <FloatingNotices popout={popout} />
      </ConsoleProvider>
    </ThemeProvider>
  );
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
        <Box
          component="main"
          sx={{
            flex: 1,
            minHeight: 0,
            display: 'grid',
            gap: 1,
            p: 1,
            gridTemplateColumns: '1.15fr 1fr 0.95fr',
            gridTemplateRows: '1.35fr 1fr',
            gridTemplateAreas: '"wall wall alarms" "map incident alarms"',
          }}
        >
          <CameraWall />
          <SiteMap />
          <AlarmQueue />
          <IncidentPanel />
        </Box>
      </Box>
      {/* Only the main window sounds: a pop-out wall must not double the alarm tones. */}
      <Sound />
      {/* Drawn over the console; the tones above keep sounding while it is locked. */}
      <LockScreen />
      <IdleLock />
    </SignedIn>
  );
}
