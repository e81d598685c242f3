import { Alert, Box, CssBaseline, Snackbar, ThemeProvider } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NOTICE_CONSOLE_RESTARTED, type Notice } from '../../shared/contract';
import { LOCALES, type Locale } from '../../shared/domain/text';
import { ConsoleContext, type ConsoleModel } from '../api/console';
import { useStore } from '../api/store';
import { AlarmQueue } from '../features/alarms/AlarmQueue';
import { CameraWall } from '../features/cameras/CameraWall';
import { IncidentPanel } from './IncidentPanel';
import { SiteMap } from '../features/guards/SiteMap';
import { AlarmBanners } from '../features/alarms/Banners';
import { useAlarmSound } from '../features/alarms/useAlarmSound';
import { LockScreen, useIdleLock } from '../features/operators/LockScreen';
import { SignIn } from '../features/operators/SignIn';
import { i18next, setLocale } from './i18n';
import { formatClock } from './hooks';
import { theme } from './theme';
import { TopBar } from './TopBar';

const noticeKey = (n: Notice) => `${n.at}:${n.code}:${n.message}`;

function Notices({ model }: { model: ConsoleModel }) {
  const { t } = useTranslation();
  const notices = useStore(model.notices);
  // Closed by identity, not by count: after a restart of the console service the list starts again from its notice.
  const [closed, setClosed] = useState<string | null>(null);
  const latest = notices.at(-1);
  const text =
    latest?.code === NOTICE_CONSOLE_RESTARTED
      ? t('notices.consoleRestarted', { time: formatClock(latest.at, false) })
      : latest?.message;
  return (
    <Snackbar
      open={latest !== undefined && noticeKey(latest) !== closed}
      anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
    >
      <Alert
        data-testid="notice"
        data-code={latest?.code}
        severity={latest?.level ?? 'info'}
        variant="filled"
        onClose={() => setClosed(latest ? noticeKey(latest) : null)}
      >
        {text}
      </Alert>
    </Snackbar>
  );
}

export function App({ model, popout = false }: { model: ConsoleModel; popout?: boolean }) {
  return popout ? <PopOut model={model} /> : <Console model={model} />;
}

function PopOut({ model }: { model: ConsoleModel }) {
  const operator = useStore(model.operator);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <ConsoleContext.Provider value={model}>
        {operator ? (
          <Box sx={{ height: '100vh', display: 'grid', gridTemplateAreas: '"wall"', p: 0.5 }}>
            <CameraWall popout />
          </Box>
        ) : (
          <SignIn />
        )}
        <Notices model={model} />
      </ConsoleContext.Provider>
    </ThemeProvider>
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

function Console({ model }: { model: ConsoleModel }) {
  const operator = useStore(model.operator);
  // The operator's language follows them to any console; the choice is stored when they switch.
  useEffect(() => {
    if (!operator) return;
    model.client
      .call('prefs.get', { key: 'locale' })
      .then(({ value }) => {
        if ((LOCALES as readonly unknown[]).includes(value) && value !== i18next.language)
          setLocale(value as Locale);
      })
      .catch(() => undefined);
    const onChange = (lng: string) => {
      if ((LOCALES as readonly string[]).includes(lng))
        void model.client.call('prefs.set', { key: 'locale', value: lng as Locale }).catch(() => undefined);
    };
    i18next.on('languageChanged', onChange);
    return () => i18next.off('languageChanged', onChange);
  }, [model, operator]);

  if (!operator) {
    // Signed out: only the sign-in (or first-start) form; nothing of the site before someone signs in.
    return (
      <ThemeProvider theme={theme}>
        <CssBaseline />
        <ConsoleContext.Provider value={model}>
          <SignIn />
        </ConsoleContext.Provider>
      </ThemeProvider>
    );
  }

  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <ConsoleContext.Provider value={model}>
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
        <Notices model={model} />
        {/* Only the main window sounds: a pop-out wall must not double the alarm tones. */}
        <Sound />
        {/* Drawn over the console; the tones above keep sounding while it is locked. */}
        <LockScreen />
        <IdleLock />
      </ConsoleContext.Provider>
    </ThemeProvider>
  );
}
