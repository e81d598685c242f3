import { Alert, Box, Button, List, ListItem, Typography } from '@mui/material';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportFile } from '../../shared/contract';
import { ErrorAlert, ToolDialog } from './dialogs';
import { importFileOf, SPREADSHEET_ACCEPT } from './upload';
import { useCall } from './useCall';

/** What a spreadsheet import's preview says, as the vehicle list and the satisfaction survey import answer it. */
export type SheetPreview =
  | {
      ok: true;
      rows: number;
      good: number;
      badRows: number;
      replacing: number;
      problems: ReadonlyArray<{ row: number; column: string; problem: string; value?: string | undefined }>;
    }
  | { ok: false; refusal: string };

type GoodPreview<P extends SheetPreview> = Extract<P, { ok: true }>;

/**
 * A CSV or .xlsx import of rows: the file previewed first (how many rows are right, each problem by row and
 * column, or why the whole file is refused), then the caller's buttons import it. `keys` is the i18n root of its
 * words (`title`, `format`, `choose`, `summary`, `problemsTitle`, `problemLine`, `refusal.*`, `column.*`,
 * `problem.*`), `testId` the prefix of its test ids.
 */
export function SheetImportDialog<P extends SheetPreview>(props: {
  keys: string;
  testId: string;
  preview(file: ImportFile): Promise<P>;
  /** The import buttons, under a good preview; `run` imports and shows its outcome (text) in the dialog. */
  actions(o: {
    file: ImportFile;
    preview: GoodPreview<P>;
    busy: boolean;
    run(importIt: () => Promise<string | undefined>): void;
  }): ReactNode;
  /** Said under the problems (e.g. that a file with any wrong row is not imported). */
  afterProblems?: ReactNode;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const call = useCall('inline');
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<ImportFile | null>(null);
  const [preview, setPreview] = useState<P | null>(null);
  const [result, setResult] = useState('');
  const resultRef = useRef<HTMLDivElement>(null);
  const k = props.keys;
  // The result takes the focus when it comes: the import button it answers is disabled meanwhile, which drops the
  // focus out of the dialog, and Escape pressed then would not close it (and a screen reader reads the result).
  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  const choose = async (picked: File | undefined) => {
    if (!picked) return;
    setPreview(null);
    setResult('');
    const f = await importFileOf(picked);
    setFile(f);
    const p = await call.run(() => props.preview(f));
    if (p) setPreview(p);
  };
  const run = (importIt: () => Promise<string | undefined>) =>
    void call.run(importIt).then((text) => {
      if (text) setResult(text);
    });

  return (
    <ToolDialog title={t(`${k}.title`)} testId={props.testId} onClose={props.onClose}>
      <Typography variant="body2" color="text.secondary">
        {t(`${k}.format`)}
      </Typography>
      <Box>
        <input
          ref={input}
          type="file"
          accept={SPREADSHEET_ACCEPT}
          hidden
          data-testid={`${props.testId}-file`}
          onChange={(e) => void choose(e.target.files?.[0])}
        />
        <Button variant="outlined" onClick={() => input.current?.click()}>
          {t(`${k}.choose`)}
        </Button>
        {file && (
          <Typography component="span" sx={{ ml: 1 }}>
            {file.name}
          </Typography>
        )}
      </Box>
      <ErrorAlert error={call.error} />
      {preview && !preview.ok && (
        <Alert severity="error" data-testid={`${props.testId}-refusal`}>
          {t(`${k}.refusal.${preview.refusal}`)}
        </Alert>
      )}
      {preview?.ok && file && (
        <>
          <Alert severity={preview.badRows ? 'warning' : 'success'} data-testid={`${props.testId}-summary`}>
            {t(`${k}.summary`, {
              rows: preview.rows,
              good: preview.good,
              bad: preview.badRows,
              replacing: preview.replacing,
            })}
          </Alert>
          {preview.problems.length > 0 && (
            <>
              <Typography variant="subtitle2">{t(`${k}.problemsTitle`)}</Typography>
              <List dense sx={{ maxHeight: 220, overflow: 'auto' }} data-testid={`${props.testId}-problems`}>
                {preview.problems.map((p) => (
                  <ListItem key={`${p.row}-${p.column}-${p.problem}`} data-row={p.row} data-column={p.column}>
                    {t(`${k}.problemLine`, {
                      row: p.row,
                      column: t(`${k}.column.${p.column}`),
                      problem: t(`${k}.problem.${p.problem}`),
                    })}
                    {p.value ? ` — ${p.value}` : ''}
                  </ListItem>
                ))}
              </List>
              {props.afterProblems}
            </>
          )}
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
            {props.actions({ file, preview: preview as GoodPreview<P>, busy: call.busy, run })}
          </Box>
        </>
      )}
      {result && (
        <Alert
          severity="info"
          data-testid={`${props.testId}-result`}
          ref={resultRef}
          tabIndex={-1}
          role="status"
        >
          {result}
        </Alert>
      )}
    </ToolDialog>
  );
}
