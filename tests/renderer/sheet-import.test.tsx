import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VehicleImportPreview } from '../../shared/contract';
import { ClientContext } from '../../renderer/api/client';
import { ImportDialog } from '../../renderer/features/vehicles/ImportDialog';
import { i18next as i18n } from '../../renderer/ui/i18n';
import { fakeCore } from './support';

afterEach(cleanup);

const PREVIEW: VehicleImportPreview = {
  ok: true,
  rows: 3,
  good: 2,
  badRows: 1,
  replacing: 0,
  problems: [{ row: 3, column: 'plate', problem: 'plate_characters', value: '京A-12' }],
  columns: ['plate', 'owner'],
  sample: [],
};

describe('a spreadsheet import (the vehicle list’s, through SheetImportDialog)', () => {
  it('previews the chosen file with each problem by row and column, then imports only the good rows when asked', async () => {
    await i18n.changeLanguage('zh-CN');
    const onDone = vi.fn();
    const core = fakeCore({
      'vehicles.importPreview': () => PREVIEW,
      'vehicles.import': () => ({
        imported: 2,
        skipped: 1,
        preview: PREVIEW as Extract<VehicleImportPreview, { ok: true }>,
      }),
    });
    render(
      <ClientContext.Provider value={core.client}>
        <ImportDialog onClose={() => undefined} onDone={onDone} />
      </ClientContext.Provider>,
    );
    const file = new File(['车牌,车主\n京A12345,张三\n'], 'vehicles.csv', { type: 'text/csv' });
    await act(async () =>
      fireEvent.change(screen.getByTestId('vehicle-import-file'), { target: { files: [file] } }),
    );
    await waitFor(() => expect(screen.getByTestId('vehicle-import-summary')).toBeTruthy());
    expect(core.callsOf('vehicles.importPreview')).toEqual([
      { name: 'vehicles.csv', format: 'csv', base64: expect.any(String) },
    ]);
    const problem = screen.getByTestId('vehicle-import-problems').querySelector('[data-row="3"]');
    expect(problem?.getAttribute('data-column')).toBe('plate');
    expect(problem?.textContent).toContain('京A-12');
    await act(async () => fireEvent.click(screen.getByTestId('vehicle-import-good')));
    await waitFor(() => expect(screen.getByTestId('vehicle-import-result')).toBeTruthy());
    expect(core.callsOf('vehicles.import')).toEqual([
      expect.objectContaining({ mode: 'good_rows', file: expect.objectContaining({ name: 'vehicles.csv' }) }),
    ]);
    expect(onDone).toHaveBeenCalledTimes(1);
  });
});
