/**
 * What runs IN THE PAGE for the alarm benchmark. Plain JavaScript in strings: the node project has no DOM types.
 *
 * Rendering is observed on the open-count chip (`[data-testid=alarm-open-count]`, "未处理 N 条"): the queue is
 * virtualised, so most new alarms never get a row in the DOM, but every alarm that reaches the renderer's live store
 * changes that count in the same React commit that re-sorts and re-slices the queue. A MutationObserver sees the new
 * count as soon as React writes it; the next requestAnimationFrame callback snapshots the counts seen so far and
 * posts a message, and the message handler (a task queued behind that frame's style, layout and paint) stamps
 * Date.now() as the time those counts were on screen. Since the core commits hub events strictly in sequence and
 * nothing else opens or closes alarms during a run, "count N painted at T" means the first N published alarms were
 * painted by T.
 *
 * Also: a requestAnimationFrame loop records every gap between consecutive frames over 50 ms (a frozen UI), and a
 * PerformanceObserver records long tasks (main-thread tasks over 50 ms).
 *
 * Everything is streamed to the benchmark as it happens through an exposed binding (`report`), at most every
 * 100 ms and only from a frame that got painted, so the figures survive a page that freezes for good; the last
 * frame's time comes with every report, so a stall still in progress can be measured from outside.
 */

export const BINDING = '__alarmBenchReport';

export const INSTALL_OBSERVER = `(() => {
  if (globalThis.__alarmBench) globalThis.__alarmBench.stop = true;
  const report = globalThis.${BINDING};
  const st = { current: -1, stop: false, lastFrameAt: Date.now(), frames: 0, rebinds: 0 };
  globalThis.__alarmBench = st;
  let out = { counts: [], gaps: [], longTasks: [] };
  let lastSent = 0;
  let gapMax = 0;
  const flush = (force) => {
    const now = Date.now();
    if (!force && now - lastSent < 100 && out.counts.length === 0) return;
    lastSent = now;
    const payload = {
      ...out, lastFrameAt: st.lastFrameAt, frames: st.frames, current: st.current, rebinds: st.rebinds,
      gapMax: Math.round(gapMax * 10) / 10, sentAt: now,
    };
    out = { counts: [], gaps: [], longTasks: [] };
    gapMax = 0;
    try { report(payload); } catch { /* the benchmark has gone */ }
  };
  const SEL = '[data-testid=alarm-open-count]';
  const parse = (el) => {
    const m = /\\d+/.exec(el ? el.textContent || '' : '');
    return m ? Number(m[0]) : -1;
  };
  let chip = document.querySelector(SEL);
  st.current = parse(chip);
  let pending = [];
  const painted = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const paintAt = Date.now();
    const batch = painted.shift() || [];
    for (let i = 0; i < batch.length; i += 2) out.counts.push(batch[i], batch[i + 1], paintAt);
    flush(batch.length > 0);
  };
  let rafQueued = false;
  const onChange = () => {
    const c = parse(chip);
    if (c === st.current || c < 0) return;
    st.current = c;
    pending.push(c, Date.now());
    if (!rafQueued) {
      rafQueued = true;
      requestAnimationFrame(() => {
        rafQueued = false;
        painted.push(pending);
        pending = [];
        channel.port2.postMessage(0);
      });
    }
  };
  const observer = new MutationObserver(onChange);
  const bind = () => {
    observer.disconnect();
    if (chip) observer.observe(chip, { subtree: true, childList: true, characterData: true });
  };
  bind();
  // Should React ever replace the chip, follow the new one.
  const rebind = setInterval(() => {
    if (st.stop) return clearInterval(rebind);
    if (!chip || !chip.isConnected) {
      chip = document.querySelector(SEL);
      st.rebinds++;
      bind();
      onChange();
    }
  }, 100);
  let lastPerf = 0;
  const tick = () => {
    if (st.stop) return flush(true);
    const now = performance.now();
    if (lastPerf) {
      const gap = now - lastPerf;
      if (gap > gapMax) gapMax = gap;
      if (gap > 50) out.gaps.push(Date.now(), Math.round(gap * 10) / 10);
    }
    lastPerf = now;
    st.lastFrameAt = Date.now();
    st.frames++;
    requestAnimationFrame(tick);
    // After this frame is painted: send what is new (or a heartbeat every 100 ms).
    setTimeout(() => flush(false), 0);
  };
  requestAnimationFrame(tick);
  try {
    new PerformanceObserver((list) => {
      if (st.stop) return;
      for (const e of list.getEntries())
        out.longTasks.push(Math.round(performance.timeOrigin + e.startTime), Math.round(e.duration));
    }).observe({ type: 'longtask' });
  } catch {
    // no long-task support: the rAF gaps still show stalls
  }
  return st.current;
})()`;

export const STOP_OBSERVER = `(() => { if (globalThis.__alarmBench) globalThis.__alarmBench.stop = true; })()`;

export interface PageReport {
  counts: number[];
  gaps: number[];
  longTasks: number[];
  /** The longest frame gap since the previous report, and when this report left the page. */
  gapMax: number;
  sentAt: number;
  lastFrameAt: number;
  frames: number;
  current: number;
  rebinds: number;
}

/** What the benchmark accumulates from the page's reports. */
export class PageRecord {
  /** Flat triples: count, seenAt (React wrote it), paintAt (the frame with it was done). */
  counts: number[] = [];
  /** Flat pairs: Date.now() at the late frame, gap in ms (only gaps over 50 ms). */
  gaps: number[] = [];
  /** Flat pairs: start (epoch ms), duration (ms). */
  longTasks: number[] = [];
  /** Flat pairs: report time, longest frame gap since the report before (so the exact maximum is known). */
  gapMaxima: number[] = [];
  lastFrameAt = 0;
  frames = 0;
  current = -1;
  rebinds = 0;
  reports = 0;

  add(r: PageReport): void {
    this.counts.push(...r.counts);
    this.gaps.push(...r.gaps);
    this.longTasks.push(...r.longTasks);
    this.gapMaxima.push(r.sentAt, r.gapMax);
    this.lastFrameAt = Math.max(this.lastFrameAt, r.lastFrameAt);
    this.frames = r.frames;
    this.current = r.current;
    this.rebinds = r.rebinds;
    this.reports++;
  }

  /** The highest count known to be painted. */
  paintedCount(): number {
    return this.counts.length ? this.counts[this.counts.length - 3]! : -1;
  }
}
