import { Button, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { SatisfactionPreview } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { SheetImportDialog } from '../../ui/SheetImportDialog';

/**
 * A supervisor imports residents' satisfaction survey results (CSV or .xlsx) as the vehicle list is imported: a
 * preview first, each problem by row and column; then every row or none — a file with a wrong row is not imported.
 */
export function SatisfactionImport({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  return (
    <SheetImportDialog<SatisfactionPreview>
      keys="reports.satisfaction"
      testId="satisfaction-import"
      onClose={onClose}
      preview={(file) => client.call('reports.satisfactionPreview', file)}
      afterProblems={
        <Typography variant="body2" color="warning.main">
          {t('reports.satisfaction.fixFirst')}
        </Typography>
      }
      actions={({ file, preview, busy, run }) => (
        <Button
          variant="contained"
          disabled={busy || preview.badRows > 0 || preview.good === 0}
          data-testid="satisfaction-import-all"
          onClick={() =>
            run(async () => {
              const r = await client.call('reports.satisfactionImport', { file });
              if (r.imported > 0) onDone();
              return r.imported > 0
                ? t('reports.satisfaction.done', r)
                : t('reports.satisfaction.nothingDone');
            })
          }
        >
          {t('reports.satisfaction.importAll')}
        </Button>
      )}
    />
  );
}
