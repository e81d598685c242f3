import { Alert, Box, Button, List, ListItem, Typography } from '@mui/material';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportFile, VehicleImportPreview } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { ErrorAlert, ToolDialog } from '../../ui/dialogs';
import { importFileOf, SPREADSHEET_ACCEPT } from '../../ui/upload';
import { useCall } from '../../ui/useCall';

/**
 * Imports resident vehicles from a CSV or .xlsx: a preview first (rows correct / with problems, each problem by
 * row and column), then the operator chooses: all rows or none, or only the correct ones. One transaction either way.
 */
export function ImportDialog({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall('inline');
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<ImportFile | null>(null);
  const [preview, setPreview] = useState<VehicleImportPreview | null>(null);
  const [result, setResult] = useState('');

  const choose = async (picked: File | undefined) => {
    if (!picked) return;
    setPreview(null);
    setResult('');
    const f = await importFileOf(picked);
    setFile(f);
    const p = await call.run(() => client.call('vehicles.importPreview', f));
    if (p) setPreview(p);
  };
  const run = async (mode: 'all_or_nothing' | 'good_rows') => {
    if (!file) return;
    const r = await call.run(() => client.call('vehicles.import', { file, mode }));
    if (!r) return;
    setResult(r.imported > 0 ? t('vehicles.import.done', r) : t('vehicles.import.nothingDone'));
    if (r.imported > 0) onDone();
  };

  return (
    <ToolDialog title={t('vehicles.import.title')} testId="vehicle-import" onClose={onClose}>
      <Typography variant="body2" color="text.secondary">
        {t('vehicles.import.format')}
      </Typography>
      <Box>
        <input
          ref={input}
          type="file"
          accept={SPREADSHEET_ACCEPT}
          hidden
          data-testid="vehicle-import-file"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
        <Button variant="outlined" onClick={() => input.current?.click()}>
          {t('vehicles.import.choose')}
        </Button>
        {file && (
          <Typography component="span" sx={{ ml: 1 }}>
            {file.name}
          </Typography>
        )}
      </Box>
      <ErrorAlert error={call.error} />
      {preview && !preview.ok && (
        <Alert severity="error" data-testid="vehicle-import-refusal">
          {t(`vehicles.import.refusal.${preview.refusal}`)}
        </Alert>
      )}
      {preview?.ok && (
        <>
          <Alert severity={preview.badRows ? 'warning' : 'success'} data-testid="vehicle-import-summary">
            {t('vehicles.import.summary', {
              rows: preview.rows,
              good: preview.good,
              bad: preview.badRows,
              replacing: preview.replacing,
            })}
          </Alert>
          {preview.problems.length > 0 && (
            <>
              <Typography variant="subtitle2">{t('vehicles.import.problemsTitle')}</Typography>
              <List dense sx={{ maxHeight: 220, overflow: 'auto' }} data-testid="vehicle-import-problems">
                {preview.problems.map((p) => (
                  <ListItem key={`${p.row}-${p.column}-${p.problem}`} data-row={p.row} data-column={p.column}>
                    {t('vehicles.import.problemLine', {
                      row: p.row,
                      column: t(`vehicles.import.column.${p.column}`),
                      problem: t(`vehicles.import.problem.${p.problem}`),
                    })}
                    {p.value ? ` — ${p.value}` : ''}
                  </ListItem>
                ))}
              </List>
            </>
          )}
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
            <Button
              variant="contained"
              disabled={call.busy}
              data-testid="vehicle-import-all"
              onClick={() => void run('all_or_nothing')}
            >
              {t('vehicles.import.allOrNothing')}
            </Button>
            {preview.badRows > 0 && preview.good > 0 && (
              <Button
                variant="outlined"
                disabled={call.busy}
                data-testid="vehicle-import-good"
                onClick={() => void run('good_rows')}
              >
                {t('vehicles.import.goodRows', { good: preview.good })}
              </Button>
            )}
          </Box>
        </>
      )}
      {result && (
        <Alert severity="info" data-testid="vehicle-import-result">
          {result}
        </Alert>
      )}
    </ToolDialog>
  );
}
