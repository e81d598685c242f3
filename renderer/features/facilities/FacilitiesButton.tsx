import { Button, Tooltip } from '@mui/material';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { FacilitiesDialog } from './FacilitiesDialog';
import { RoundDialog } from './RoundDialog';
import { openFacilities } from './store';

/** The top bar's way in (Alt+F), the view it opens, and a round begun from that view. */
export function FacilitiesButton() {
  const { t } = useTranslation();
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.key.toLowerCase() !== 'f') return;
      e.preventDefault();
      openFacilities();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, []);
  return (
    <>
      <Tooltip title={`${t('facilities.title')} (Alt+F)`}>
        <Button variant="outlined" data-testid="facilities-open" onClick={() => openFacilities()}>
          {t('facilities.open')}
        </Button>
      </Tooltip>
      <FacilitiesDialog />
      <RoundDialog />
    </>
  );
}
