import { Alert, Box, Button, List, ListItem, Typography } from '@mui/material';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportFile, SatisfactionPreview } from '../../../shared/contract';
import { useClient } from '../../api/client';
import { ErrorAlert, ToolDialog } from '../../ui/dialogs';
import { importFileOf, SPREADSHEET_ACCEPT } from '../../ui/upload';
import { useCall } from '../../ui/useCall';

/**
 * A supervisor imports residents' satisfaction survey results (CSV or .xlsx) as the vehicle list is imported: a
 * preview first, each problem by row and column; then every row or none — a file with a wrong row is not imported.
 */
export function SatisfactionImport({ onClose, onDone }: { onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const call = useCall('inline');
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<ImportFile | null>(null);
  const [preview, setPreview] = useState<SatisfactionPreview | null>(null);
  const [result, setResult] = useState('');

  const choose = async (picked: File | undefined) => {
    if (!picked) return;
    setPreview(null);
    setResult('');
    const f = await importFileOf(picked);
    setFile(f);
    const p = await call.run(() => client.call('reports.satisfactionPreview', f));
    if (p) setPreview(p);
  };
  const run = async () => {
    if (!file) return;
    const r = await call.run(() => client.call('reports.satisfactionImport', { file }));
    if (!r) return;
    setPreview(r.preview);
    setResult(r.imported > 0 ? t('reports.satisfaction.done', r) : t('reports.satisfaction.nothingDone'));
    if (r.imported > 0) onDone();
  };

  return (
    <ToolDialog title={t('reports.satisfaction.title')} testId="satisfaction-import" onClose={onClose}>
      <Typography variant="body2" color="text.secondary">
        {t('reports.satisfaction.format')}
      </Typography>
      <Box>
        <input
          ref={input}
          type="file"
          accept={SPREADSHEET_ACCEPT}
          hidden
          data-testid="satisfaction-import-file"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
        <Button variant="outlined" onClick={() => input.current?.click()}>
          {t('reports.satisfaction.choose')}
        </Button>
        {file && (
          <Typography component="span" sx={{ ml: 1 }}>
            {file.name}
          </Typography>
        )}
      </Box>
      <ErrorAlert error={call.error} />
      {preview && !preview.ok && (
        <Alert severity="error" data-testid="satisfaction-import-refusal">
          {t(`reports.satisfaction.refusal.${preview.refusal}`)}
        </Alert>
      )}
      {preview?.ok && (
        <>
          <Alert severity={preview.badRows ? 'warning' : 'success'} data-testid="satisfaction-import-summary">
            {t('reports.satisfaction.summary', {
              rows: preview.rows,
              good: preview.good,
              bad: preview.badRows,
              replacing: preview.replacing,
            })}
          </Alert>
          {preview.problems.length > 0 && (
            <>
              <Typography variant="subtitle2">{t('reports.satisfaction.problemsTitle')}</Typography>
              <List
                dense
                sx={{ maxHeight: 220, overflow: 'auto' }}
                data-testid="satisfaction-import-problems"
              >
                {preview.problems.map((p) => (
                  <ListItem key={`${p.row}-${p.column}-${p.problem}`} data-row={p.row} data-column={p.column}>
                    {t('reports.satisfaction.problemLine', {
                      row: p.row,
                      column: t(`reports.satisfaction.column.${p.column}`),
                      problem: t(`reports.satisfaction.problem.${p.problem}`),
                    })}
                    {p.value ? ` — ${p.value}` : ''}
                  </ListItem>
                ))}
              </List>
              <Typography variant="body2" color="warning.main">
                {t('reports.satisfaction.fixFirst')}
              </Typography>
            </>
          )}
          <Box>
            <Button
              variant="contained"
              disabled={call.busy || preview.badRows > 0 || preview.good === 0}
              data-testid="satisfaction-import-all"
              onClick={() => void run()}
            >
              {t('reports.satisfaction.importAll')}
            </Button>
          </Box>
        </>
      )}
      {result && (
        <Alert severity="info" data-testid="satisfaction-import-result">
          {result}
        </Alert>
      )}
    </ToolDialog>
  );
}
