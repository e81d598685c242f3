import { Alert, Box, Snackbar } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HubStatus, Notice } from '../../../shared/contract';
import { MESSAGES } from '../../../shared/i18n';
import { noticeText } from '../../../shared/i18n/notices';
import { useStore } from '../../api/store';
import { formatClock, useLocale, useNow } from '../../ui/hooks';
import { useSystem } from './store';

// Closed by identity, not by object: after a restart of the console service the list is read again from the core.
// A repeat of a folded problem has the same id and a higher count: it is news, so it shows again.
const noticeKey = (n: Notice) => `${n.id ?? ''}:${n.at}:${n.code}:${n.message}:${n.count ?? 1}`;

/** An information (an export saved, the disk has room again) goes by itself after this long. */
export const TRANSIENT_MS = 8000;

/** Problems of the hub link that are over once the link is connected again after them. */
const HUB_LINK_CODES = new Set(['hub-refused', 'hub-store-failed']);

/**
 * Whether a notice still has something to say: not an information older than TRANSIENT_MS, not a problem of the
 * hub link that a reconnection since has ended.
 */
export function noticeCurrent(n: Notice, now: number, hub: HubStatus | null): boolean {
  if (n.level === 'info' && now - n.at >= TRANSIENT_MS) return false;
  if (HUB_LINK_CODES.has(n.code) && hub?.state === 'connected' && hub.since >= n.at) return false;
  return true;
}

/**
 * The newest notice that still has something to say, in the operator's language, until the operator closes it;
 * a newer one shows again. Notices of one kind arrive folded into one with a count (the core folds repeats).
 *
 * `inline` (the top bar): in a place of its own in the layout, so it never covers a control; up to two lines,
 * the whole text in its tooltip. Otherwise (signed out, a pop-out wall) it floats at the bottom of the window,
 * where nothing of the console is to click.
 */
export function Notices({ inline = false }: { inline?: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const system = useSystem();
  const notices = useStore(system.notices);
  const hub = useStore(system.hub);
  const now = useNow(1000);
  const [closed, setClosed] = useState<string | null>(null);
  const latest = notices.at(-1);
  const open = latest !== undefined && noticeKey(latest) !== closed && noticeCurrent(latest, now, hub);
  const text = latest ? noticeText(t, latest, (at) => formatClock(at, false), MESSAGES[locale]) : '';
  const alert = (
    <Alert
      data-testid="notice"
      data-code={latest?.code}
      data-count={latest?.count ?? 1}
      severity={latest?.level ?? 'info'}
      // Inline: outlined on the bar's own dark, light text (AA); floating: filled, to stand out from the page.
      variant={inline ? 'outlined' : 'filled'}
      role={latest?.level === 'info' ? 'status' : 'alert'}
      title={inline ? text : undefined}
      closeText={t('form.close')}
      onClose={() => setClosed(latest ? noticeKey(latest) : null)}
      sx={
        inline
          ? {
              py: 0,
              minWidth: 0,
              bgcolor: 'background.paper',
              maxWidth: '100%',
              '& .MuiAlert-message': {
                overflow: 'hidden',
                display: '-webkit-box',
                WebkitLineClamp: 2,
                WebkitBoxOrient: 'vertical',
                fontSize: '0.85rem',
                lineHeight: 1.3,
                py: 0.5,
              },
            }
          : undefined
      }
    >
      {text}
    </Alert>
  );
  if (inline) {
    return (
      <Box data-testid="notice-area" sx={{ flex: 1, minWidth: 0, display: 'flex', justifyContent: 'center' }}>
        {open ? alert : null}
      </Box>
    );
  }
  return (
    <Snackbar open={open} anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}>
      {alert}
    </Snackbar>
  );
}
