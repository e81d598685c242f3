import { Alert, Snackbar } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NOTICE_CONSOLE_RESTARTED, type Notice } from '../../../shared/contract';
import { MESSAGES } from '../../../shared/i18n';
import { wordNotice } from '../../../shared/i18n/notices';
import { useStore } from '../../api/store';
import { formatClock, useLocale } from '../../ui/hooks';
import { useSystem } from './store';

// Closed by identity, not by object: after a restart of the console service the list is read again from the core.
const noticeKey = (n: Notice) => `${n.at}:${n.code}:${n.message}`;

/** The newest notice, until the operator closes it; a newer one shows again. */
export function Notices() {
  const { t } = useTranslation();
  const locale = useLocale();
  const system = useSystem();
  const notices = useStore(system.notices);
  const [closed, setClosed] = useState<string | null>(null);
  const latest = notices.at(-1);
  // Notices with a code and values (a clock jump, the disk) are worded here, in the operator's language.
  const text =
    latest?.code === NOTICE_CONSOLE_RESTARTED
      ? t('notices.consoleRestarted', { time: formatClock(latest.at, false) })
      : latest && (wordNotice(MESSAGES[locale], latest) ?? latest.message);
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
