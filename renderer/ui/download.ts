/** `YYYY-MM-DD` in local time, for file names. */
export function dayStamp(at: number = Date.now()): string {
  return new Date(at).toLocaleDateString('sv-SE');
}

/**
 * Offers a file the core produced as a download (web host) or a save (Electron): a CSV as text, a PDF as
 * base64. `open` also opens it in a new tab, so the operator can print at once.
 */
export function saveFile(
  name: string,
  content: { text: string } | { base64: string },
  type: string,
  options: { open?: boolean } = {},
): void {
  const body =
    'text' in content ? content.text : Uint8Array.from(atob(content.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (options.open) window.open(url, '_blank', 'noopener');
  // Not revoked at once: the download, and a tab it was opened in, still read it.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const saveCsv = (name: string, csv: string) => saveFile(name, { text: csv }, 'text/csv;charset=utf-8');

export const savePdf = (name: string, base64: string, options: { open?: boolean } = {}) =>
  saveFile(name, { base64 }, 'application/pdf', options);
