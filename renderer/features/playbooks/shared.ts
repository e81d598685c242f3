import { useEffect, useState } from 'react';
import type { ContactView, PhoneSettings } from '../../../shared/contract';
import type { ConsoleModel } from '../../api/console';

/** Offers a PDF the core produced as a download (web host) or a save (Electron). */
export function downloadPdf(base64: string, name: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `m:ss` for timers and call durations. */
export function mmss(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export interface Directory {
  contacts: ContactView[];
  phone: PhoneSettings;
}

/** The contact directory and softphone settings, kept current by `contacts.changed`. */
export function useDirectory(model: ConsoleModel): Directory | null {
  const [dir, setDir] = useState<Directory | null>(null);
  useEffect(() => {
    let live = true;
    void model.client.invoke('contacts.list', {}).then((r) => {
      if (live && r.ok) setDir(r.value);
    });
    const off = model.client.on('contacts.changed', (d) => setDir(d));
    return () => {
      live = false;
      off();
    };
  }, [model]);
  return dir;
}

export function notify(model: ConsoleModel, level: 'info' | 'error', message: string): void {
  model.notices.set((prev) => [...prev, { level, code: 'playbooks', message, at: Date.now() }]);
}
