import type { RecordingList } from '../../../shared/contract';
import { createStore } from '../../api/store';

/** The replay open now (one at a time: live continues on the wall behind it), and the speed last chosen. */
export interface Replay {
  cameraId: string;
  /** Where playback starts (epoch ms). */
  from: number;
  /** Opened from this alarm's detail: a range picked in the player can be exported as its evidence. */
  alarmId?: string | undefined;
}

export const replay = createStore<Replay | null>(null);
export const speed = createStore<1 | 2 | 4>(1);

export function openReplay(cameraId: string, from: number, alarmId?: string): void {
  replay.set({ cameraId, from, ...(alarmId ? { alarmId } : {}) });
}

/** Counts exports made in this window: the lists showing them load again. */
export const clipsChanged = createStore(0);
/** The supervisor's retention dialog is open. */
export const retentionOpen = createStore(false);

/** `12.3 MB`: sizes as the disk's owner reads them (decimal units, as disks are sold). */
export function formatBytes(bytes: number): string {
  // No TB: the Chinese screen's allowed units are KB, MB and GB (tests/e2e/language.ts).
  if (bytes >= 1e11) return `${Math.round(bytes / 1e9)} GB`;
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(0, Math.round(bytes / 1e3))} KB`;
}

/** Fetches an export's ZIP through the one-time address the core gave (the web host's; the page's token added). */
export function downloadExport(url: string): void {
  const a = document.createElement('a');
  a.href = `${url}?${new URLSearchParams({ token: token() }).toString()}`;
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function closeReplay(): void {
  replay.set(null);
}

/** The web host's token (the page read it from its address, see api/transport.ts): `<video>` cannot send headers. */
function token(): string {
  try {
    return window.sessionStorage.getItem('console.token') ?? '';
  } catch {
    return '';
  }
}

/** The address that plays a camera's recording from a time, up to now (at most an hour at once). */
export function playUrl(list: Pick<RecordingList, 'play'> | string, from: number, now: number): string {
  const path = typeof list === 'string' ? list : list.play;
  const seconds = Math.min(3600, Math.max(5, Math.ceil((now - from) / 1000) + 5));
  const q = new URLSearchParams({
    from: new Date(from).toISOString(),
    seconds: String(seconds),
    token: token(),
  });
  return `${path}?${q.toString()}`;
}

/** Today's (or, if still to come today, yesterday's) time of day `hh:mm[:ss]` before `now`, or undefined. */
export function timeOfDayBefore(value: string, now: number): number | undefined {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  const [h, min, sec] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3] ?? 0)];
  if (!m || h > 23 || min > 59 || sec > 59) return undefined;
  const d = new Date(now);
  d.setHours(h, min, sec, 0);
  // Yesterday's by the calendar (a day with a clock change is not 24 h long).
  if (d.getTime() > now) d.setDate(d.getDate() - 1);
  return d.getTime();
}
