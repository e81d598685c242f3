import { useEffect, useRef } from 'react';
import { useStore } from '../../api/store';
import { useAlarms } from './store';

/**
 * A distinct tone per priority band, repeating while an alarm of that band waits for acknowledgement:
 * P1 a fast high two-tone, P2 a mid double beep, P3–5 a single low beep. Muting (with a reason, on the
 * core) silences it until the mute ends by itself.
 */
const BANDS = [
  {
    test: (p: number) => p === 1,
    everyMs: 1500,
    tones: [
      [1400, 0.18],
      [1000, 0.18],
      [1400, 0.18],
      [1000, 0.18],
    ],
  },
  {
    test: (p: number) => p === 2,
    everyMs: 3000,
    tones: [
      [880, 0.15],
      [0, 0.08],
      [880, 0.15],
    ],
  },
  { test: (p: number) => p >= 3, everyMs: 8000, tones: [[520, 0.25]] },
] as const;

export function useAlarmSound(): void {
  const store = useAlarms();
  const queue = useStore(store.queue);
  const meta = useStore(store.meta);
  const audio = useRef<AudioContext | null>(null);
  // The queue is in order (held ones last, then by priority) and the bands go from the most urgent down: the first
  // waiting alarm picks the band, found without a pass over every open alarm on each batch of a flood.
  const most = queue.find((a) => a.state === 'new' && !a.held && !a.drill)?.priority;
  const band = most === undefined ? -1 : BANDS.findIndex((b) => b.test(most));
  const mutedUntil = meta?.mutedUntil ?? 0;

  useEffect(() => {
    if (band === -1) return undefined;
    const spec = BANDS[band]!;
    const play = () => {
      if (store.muteEndsAt(Date.now()) !== undefined) return;
      try {
        audio.current ??= new AudioContext();
        const ctx = audio.current;
        if (ctx.state === 'suspended') void ctx.resume();
        let at = ctx.currentTime + 0.02;
        for (const [freq, seconds] of spec.tones) {
          if (freq > 0) {
            const osc = ctx.createOscillator();
            const gain = ctx.createGain();
            osc.type = 'square';
            osc.frequency.value = freq;
            gain.gain.setValueAtTime(0.12, at);
            gain.gain.exponentialRampToValueAtTime(0.001, at + seconds);
            osc.connect(gain).connect(ctx.destination);
            osc.start(at);
            osc.stop(at + seconds);
          }
          at += seconds;
        }
        document.documentElement.dataset.alarmSound = String(band + 1);
      } catch {
        // No audio device: the queue still shows everything.
      }
    };
    play();
    const id = window.setInterval(play, spec.everyMs);
    return () => {
      window.clearInterval(id);
      delete document.documentElement.dataset.alarmSound;
    };
  }, [band, mutedUntil, store]);
}
