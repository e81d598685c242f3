import { Alert, Snackbar } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Notice } from '../../../shared/contract';
import { MESSAGES } from '../../../shared/i18n';
import { noticeText } from '../../../shared/i18n/notices';
import { useStore } from '../../api/store';
import { formatClock, useLocale } from '../../ui/hooks';
import { useSystem } from './store';

// Closed by identity, not by object: after a restart of the console service the list is read again from the core.
// A repeat of a folded problem has the same id and a higher count: it is news, so it shows again.
const noticeKey = (n: Notice) => `${n.id ?? ''}:${n.at}:${n.code}:${n.message}:${n.count ?? 1}`;

/** The newest notice, in the operator's language, until the operator closes it; a newer one shows again. */
export function Notices() {
  const { t } = useTranslation();
  const locale = useLocale();
  const system = useSystem();
  const notices = useStore(system.notices);
  const [closed, setClosed] = useState<string | null>(null);
  const latest = notices.at(-1);
  return (
    <Snackbar
      open={latest !== undefined && noticeKey(latest) !== closed}
      anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
    >
      <Alert
        data-testid="notice"
        data-code={latest?.code}
        data-count={latest?.count ?? 1}
        severity={latest?.level ?? 'info'}
        variant="filled"
        onClose={() => setClosed(latest ? noticeKey(latest) : null)}
      >
        {latest ? noticeText(t, latest, (at) => formatClock(at, false), MESSAGES[locale]) : null}
      </Alert>
    </Snackbar>
  );
}
