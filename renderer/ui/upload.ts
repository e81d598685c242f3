import type { ImportFile } from '../../shared/contract';

/** A file the operator picked, as base64 (without the data-URL prefix). */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** A picked spreadsheet as the imports' input (vehicles, residents' satisfaction): .xlsx by its name, else CSV. */
export async function importFileOf(picked: File): Promise<ImportFile> {
  return {
    name: picked.name.slice(0, 200),
    format: /\.xlsx$/i.test(picked.name) ? 'xlsx' : 'csv',
    base64: await readBase64(picked),
  };
}

/** What the file inputs of the imports accept. */
export const SPREADSHEET_ACCEPT =
  '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
