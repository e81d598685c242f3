import { Alert, Snackbar } from '@mui/material';
import { useState } from 'react';
import type { Notice } from '../../../shared/contract';
import { useStore } from '../../api/store';
import { useSystem } from './store';

/** The newest notice, until the operator closes it; a newer one shows again. */
export function Notices() {
  const system = useSystem();
  const notices = useStore(system.notices);
  const [seen, setSeen] = useState<Notice | null>(null);
  const latest = notices.at(-1);
  return (
    <Snackbar
      open={Boolean(latest) && latest !== seen}
      anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
    >
      <Alert
        data-testid="notice"
        severity={latest?.level ?? 'info'}
        variant="filled"
        onClose={() => setSeen(latest ?? null)}
      >
        {latest?.message}
      </Alert>
    </Snackbar>
  );
}
