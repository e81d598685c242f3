import { Button } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { VehicleImportPreview } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { SheetImportDialog } from '../../ui/SheetImportDialog';

/**
 * Imports resident vehicles from a CSV or .xlsx: a preview first (rows correct / with problems, each problem by
 * row and column), then the operator chooses: all rows or none, or only the correct ones. One transaction either way.
 */
export function ImportDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  return (
    <SheetImportDialog<VehicleImportPreview>
      keys="vehicles.import"
      testId="vehicle-import"
      onClose={onClose}
      preview={(file) => client.call('vehicles.importPreview', file)}
      actions={({ file, preview, busy, run }) => {
        const importAs = (mode: 'all_or_nothing' | 'good_rows') =>
          run(async () => {
            const r = await client.call('vehicles.import', { file, mode });
            if (r.imported > 0) onDone();
            return r.imported > 0 ? t('vehicles.import.done', r) : t('vehicles.import.nothingDone');
          });
        return (
          <>
            <Button
              variant="contained"
              disabled={busy}
              data-testid="vehicle-import-all"
              onClick={() => importAs('all_or_nothing')}
            >
              {t('vehicles.import.allOrNothing')}
            </Button>
            {preview.badRows > 0 && preview.good > 0 && (
              <Button
                variant="outlined"
                disabled={busy}
                data-testid="vehicle-import-good"
                onClick={() => importAs('good_rows')}
              >
                {t('vehicles.import.goodRows', { good: preview.good })}
              </Button>
            )}
          </>
        );
      }}
    />
  );
}
