import type { RecordingList } from '../../../shared/contract';
import { createStore } from '../../api/store';

/** The replay open now (one at a time: live continues on the wall behind it), and the speed last chosen. */
export interface Replay {
  cameraId: string;
  /** Where playback starts (epoch ms). */
  from: number;
}

export const replay = createStore<Replay | null>(null);
export const speed = createStore<1 | 2 | 4>(1);

export function openReplay(cameraId: string, from: number): void {
  replay.set({ cameraId, from });
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
