import { Button, Tooltip } from '@mui/material';
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from '../../api/store';
import { openReports, reportsOpen } from './store';

// The charts library is large: it loads with the view, not with the console.
const ReportsDialog = lazy(() => import('./ReportsDialog'));

/** The top bar's way in (Alt+B, 报表 bàobiǎo), and the view it opens. */
export function ReportsButton() {
  const { t } = useTranslation();
  const open = useStore(reportsOpen);
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.key.toLowerCase() !== 'b') return;
      e.preventDefault();
      openReports();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, []);
  return (
    <>
      <Tooltip title={`${t('reports.title')} (Alt+B)`}>
        <Button variant="outlined" data-testid="reports-open" onClick={() => openReports()}>
          {t('reports.open')}
        </Button>
      </Tooltip>
      {open && (
        <Suspense fallback={null}>
          <ReportsDialog />
        </Suspense>
      )}
    </>
  );
}
