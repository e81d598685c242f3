/**
 * Summaries of V8 CPU profiles (node:inspector in the console's process, CDP Profiler in the page) and of Chromium
 * trace events, so the benchmark can say where the time went without anyone opening DevTools.
 */

import { round1 } from './stats';

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: {
      functionName: string;
      url: string;
      lineNumber: number;
      columnNumber: number;
      scriptId: string;
    };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FunctionTime {
  fn: string;
  where: string;
  ms: number;
  pct: number;
}

export interface ProfileSummary {
  total_ms: number;
  /** Self time by where the code lives. */
  by_category: Record<string, { ms: number; pct: number }>;
  top_self: FunctionTime[];
  /** Inclusive time (recursion counted once per sample) for the functions that matter most. */
  top_inclusive: FunctionTime[];
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + 14);
  const m = /\/(electron|shared|renderer|tests)\/.*$/.exec(url);
  if (m) return m[0].slice(1);
  return url.replace(/^file:\/\//, '').replace(/^https?:\/\/[^/]+\//, '');
}

/**
 * Walks the samples once: self time per node, and the set of distinct functions on each sample's stack (for
 * inclusive time). `category` names where a frame's code lives; `keep` picks which inclusive times to report.
 */
export function summariseProfile(
  profile: CpuProfile,
  category: (url: string, fn: string, stack: () => string[]) => string,
  keep: (url: string, fn: string) => boolean,
  top = 15,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfMs = new Map<number, number>();
  const inclusive = new Map<string, { fn: string; where: string; ms: number }>();
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; the time until the next sample belongs to sample i.
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    total += ms;
    const id = samples[i]!;
    selfMs.set(id, (selfMs.get(id) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const cf = byId.get(at)!.callFrame;
      if (!cf.url || !keep(cf.url, cf.functionName)) continue;
      const key = `${cf.functionName || '(anonymous)'} ${cf.url}:${cf.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const e = inclusive.get(key) ?? {
        fn: cf.functionName || '(anonymous)',
        where: `${shortUrl(cf.url)}:${cf.lineNumber + 1}`,
        ms: 0,
      };
      e.ms += ms;
      inclusive.set(key, e);
    }
  }
  const byCategory: Record<string, number> = {};
  const bySelf = new Map<string, { fn: string; where: string; ms: number }>();
  const stackOf = (id: number) => {
    const out: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      out.push(byId.get(at)!.callFrame.functionName);
    return out;
  };
  for (const [id, ms] of selfMs) {
    const cf = byId.get(id)!.callFrame;
    const cat = category(cf.url, cf.functionName, () => stackOf(id));
    byCategory[cat] = (byCategory[cat] ?? 0) + ms;
    const key = `${cf.functionName} ${cf.url}:${cf.lineNumber}`;
    const e = bySelf.get(key) ?? {
      fn: cf.functionName || '(anonymous)',
      where: cf.url ? `${shortUrl(cf.url)}:${cf.lineNumber + 1}` : '',
      ms: 0,
    };
    e.ms += ms;
    bySelf.set(key, e);
  }
  const pct = (ms: number) => (total > 0 ? round1((ms / total) * 100) : 0);
  const list = (m: Iterable<{ fn: string; where: string; ms: number }>) =>
    [...m]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((e) => ({ fn: e.fn, where: e.where, ms: Math.round(e.ms), pct: pct(e.ms) }));
  return {
    total_ms: Math.round(total),
    // Categories under 1 % of the samples are summed into one.
    by_category: Object.fromEntries(
      [
        ...Object.entries(byCategory).filter(([, ms]) => pct(ms) >= 1),
        [
          '(the rest, each < 1 %)',
          Object.values(byCategory)
            .filter((ms) => pct(ms) < 1)
            .reduce((a, b) => a + b, 0),
        ] as [string, number],
      ]
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([k, ms]) => [k, { ms: Math.round(ms), pct: pct(ms) }]),
    ),
    top_self: list(bySelf.values()),
    top_inclusive: list(inclusive.values()),
  };
}

/**
 * The longest stretches of consecutive samples in one non-idle frame: synchronous calls that blocked the thread
 * (for better-sqlite3, a statement or COMMIT that did not return), with the stack that made them.
 */
export function longestBlocks(profile: CpuProfile, top = 5): { ms: number; stack: string }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const runs: { ms: number; id: number }[] = [];
  let cur = -1;
  let ms = 0;
  for (let i = 0; i < samples.length; i++) {
    const d = (deltas[i + 1] ?? 0) / 1000;
    if (samples[i] === cur) ms += d;
    else {
      if (cur !== -1) runs.push({ ms, id: cur });
      cur = samples[i]!;
      ms = d;
    }
  }
  if (cur !== -1) runs.push({ ms, id: cur });
  return runs
    .filter(
      (r) => !['(idle)', '(program)', '(garbage collector)'].includes(byId.get(r.id)!.callFrame.functionName),
    )
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top)
    .map((r) => {
      const names: string[] = [];
      for (let at: number | undefined = r.id; at !== undefined && names.length < 10; at = parent.get(at))
        names.push(byId.get(at)!.callFrame.functionName || '(anonymous)');
      return { ms: Math.round(r.ms), stack: names.join(' < ') };
    });
}

/** Where a frame of the console's Node process lives; SQLite's native calls are split into COMMIT and the rest. */
export function nodeCategory(url: string, fn: string, stack: () => string[]): string {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return 'native / VM (program)';
  if (!url && ['run', 'all', 'get', 'iterate', 'Statement', 'prepare', 'exec', 'pragma'].includes(fn)) {
    const s = stack();
    if (s.includes('commit') || s.includes('transactor.commit'))
      return 'SQLite COMMIT (WAL write + fsync, checkpoints)';
    if (fn === 'Statement' || fn === 'prepare') return 'SQLite prepare (knex prepares every query anew)';
    return 'SQLite statements (execute)';
  }
  if (url.includes('/node_modules/better-sqlite3/')) return 'better-sqlite3 (SQLite, incl. fsync)';
  if (url.includes('/node_modules/knex/')) return 'knex';
  if (url.includes('/node_modules/zod/')) return 'zod';
  if (/\/node_modules\/(socket\.io|engine\.io|ws)[^/]*\//.test(url)) return 'socket.io / engine.io / ws';
  if (url.includes('/node_modules/playwright')) return 'benchmark harness (playwright)';
  if (url.includes('/electron/core/') || url.includes('/electron/web-host/')) return 'console core code';
  if (url.includes('/shared/')) return 'shared (contract, domain)';
  if (url.includes('/tests/')) return 'benchmark harness';
  if (url.startsWith('node:') || !url) return 'node internals / native';
  const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return m ? `other: ${m[1]}` : 'other';
}

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: { functionName?: string; type?: string; url?: string } };
}

/**
 * Busy time of the page's renderer main thread by kind of work, from a Chromium trace: the top-level tasks
 * (RunTask) and, inside them, script, style, layout, paint and GC. Nested events are not double-counted within a
 * kind, but a Layout forced by script counts in both `script` and `layout`.
 */
export function summariseTrace(events: TraceEvent[], windowUs?: [number, number]) {
  const mains = events.filter(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
  );
  const kinds: Record<string, string[]> = {
    task: ['RunTask', 'ThreadControllerImpl::RunTask'],
    script: ['FunctionCall', 'EvaluateScript', 'v8.callFunction', 'TimerFire', 'FireAnimationFrame'],
    style: ['UpdateLayoutTree', 'RecalculateStyles'],
    layout: ['Layout'],
    paint: ['PrePaint', 'Paint', 'Layerize', 'UpdateLayer', 'CompositeLayers', 'Commit'],
    gc: ['MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'V8.GC_MARK_COMPACTOR', 'BlinkGC.AtomicPhase'],
  };
  let best: {
    key: string;
    busy: number;
    perKind: Record<string, number>;
    counts: Record<string, number>;
    longest: { ms: number; inside: string[] }[];
  } = { key: '', busy: -1, perKind: {}, counts: {}, longest: [] };
  for (const m of mains) {
    const mine = events.filter(
      (e) =>
        e.pid === m.pid &&
        e.tid === m.tid &&
        e.ph === 'X' &&
        e.dur !== undefined &&
        (!windowUs || (e.ts >= windowUs[0] && e.ts <= windowUs[1])),
    );
    const perKind: Record<string, number> = {};
    const counts: Record<string, number> = {};
    for (const [kind, names] of Object.entries(kinds)) {
      const list = mine.filter((e) => names.includes(e.name)).sort((a, b) => a.ts - b.ts);
      let sum = 0;
      let end = -1;
      for (const e of list) {
        const s = Math.max(e.ts, end);
        const f = e.ts + e.dur!;
        if (f > s) sum += f - s;
        end = Math.max(end, f);
      }
      perKind[kind] = Math.round(sum / 1000);
      counts[kind] = list.length;
    }
    if ((perKind.task ?? 0) > best.busy)
      best = {
        key: `${m.pid}:${m.tid}`,
        busy: perKind.task ?? 0,
        perKind,
        counts,
        longest: longestTasks(mine),
      };
  }
  return { thread: best.key, busy_ms: best.perKind, events: best.counts, longest_tasks: best.longest };
}

/** The three longest top-level tasks, each with the biggest pieces of work inside it. */
function longestTasks(mine: TraceEvent[]): { ms: number; inside: string[] }[] {
  // Chromium nests RunTask inside ThreadControllerImpl::RunTask: take the outer one when it is there.
  const outer = mine.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
  const tasks = outer.length ? outer : mine.filter((e) => e.name === 'RunTask');
  return tasks
    .sort((a, b) => b.dur! - a.dur!)
    .slice(0, 3)
    .map((t) => {
      const inside = mine.filter(
        (e) =>
          e !== t &&
          e.ts >= t.ts &&
          e.ts + e.dur! <= t.ts + t.dur! &&
          !['RunTask', 'ThreadControllerImpl::RunTask'].includes(e.name),
      );
      const label = (e: TraceEvent) => {
        const d = e.args?.data;
        const what = d?.functionName || d?.type || '';
        return `${e.name}${what ? ` ${what}` : ''}`;
      };
      const byLabel = new Map<string, number>();
      for (const e of inside) byLabel.set(label(e), (byLabel.get(label(e)) ?? 0) + e.dur!);
      return {
        ms: Math.round(t.dur! / 1000),
        inside: [...byLabel.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([k, us]) => `${k}: ${Math.round(us / 1000)} ms`),
      };
    });
}
