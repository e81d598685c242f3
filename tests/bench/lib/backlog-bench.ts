/**
 * bench:alarms `backlog` (issue 23): a fire never waits behind a backlog. For each size: a fresh hub (its own
 * process), a console (real SQLite file, synchronous=FULL), its web host and a signed-in page in Chromium; the hub
 * goes away, that many door-held alarms pile up in its log meanwhile, and it comes back on the same port. The
 * console reconnects and replays, and `fires` fire alarms are published one every `spacingMs` during the replay. Per fire: hub publish -> committed in the
 * console (the alarm service's commit notice) -> painted (the page's first frame with its row; priority 1 rows
 * sort first, so it is on screen). The replay goes on meanwhile; its progress at the last fire is reported (a
 * 100,000 backlog is not waited out: the figure is the fires', the exactly-once proof is the integration test's).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startLinkedConsole } from '../../support/hub';
import { createLogger, type LogLine } from '../../../electron/common/log';
import { lastCommittedSeq } from '../../../electron/core/hub-link/inbox';
import { startWebHost } from '../../../electron/web-host/server';
import { launchChromium } from './browser';
import { log, onCleanup, sleep, until } from './harness';
import type { HubProcess } from './hub-client';
import { openConsole } from './sign-in';
import { ascending, percentile } from './stats';

export interface BacklogEntry {
  backlog: number;
  fires: number;
  committed_ms: { p50: number; p99: number; max: number };
  painted_ms: { p50: number; p99: number; max: number };
  /** Fires not painted within the cut-off: counted at the cut-off, so the percentiles are lower bounds. */
  not_painted: number;
  /** Which fires (index in publish order) were not painted, and the open rows the page had at the end. */
  not_painted_fires: number[];
  page_rows_at_end: number;
  /** Console cursor / backlog when the last fire was published, and whether the replay was still going then. */
  replay_progress_at_last_fire: number;
  fires_all_inside_replay: boolean;
  /** Each fire's alarm rows in the console (must be exactly one each). */
  fire_rows_not_one: number;
  errors: number;
}

/** The page stamps the first frame in which each priority-1 row is in the DOM (Date.now(), one machine clock). */
const PAGE_WATCH = `(() => {
  const seen = (window.__p1 = window.__p1 || {});
  const frame = () => {
    for (const el of document.querySelectorAll('[data-testid=alarm-row][data-priority="1"]')) {
      const id = el.getAttribute('data-alarm-id');
      if (id && !(id in seen)) seen[id] = Date.now();
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;

const CUTOFF_MS = 20_000;

function figures(values: number[]) {
  const s = ascending(values);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? 0 };
}

export async function backlogPhase(
  hub: HubProcess,
  tmp: string,
  o: { backlog: number; fires: number; spacingMs: number; staticDir: string },
): Promise<BacklogEntry> {
  const dir = mkdtempSync(join(tmp, `backlog-${o.backlog}-`));
  const token = randomBytes(16).toString('hex');
  const releaseDir = onCleanup('backlog data dir', () => rmSync(dir, { recursive: true, force: true }));
  const hubFile = join(dir, 'hub.sqlite');
  const url = await hub.start(hubFile, token);
  let hubUp = true;
  const releaseHub = onCleanup('backlog hub', async () => {
    if (hubUp) await hub.stopHub();
  });
  const errors: LogLine[] = [];
  const logger = createLogger({ level: 'error', sink: (l) => errors.push(l) });
  const core = await startLinkedConsole(dir, { url, token }, 'console', {
    log: logger,
    carrierHint: 'ws',
    demo: { scenario: false },
  });
  const releaseCore = onCleanup('backlog console core', () => core.stop());
  const committedAt = new Map<string, number>();
  const idOf = new Map<string, string>();
  const unwatch = core.alarms.watch((a) => {
    if (a.type === 'fire' && !committedAt.has(a.sourceId)) {
      committedAt.set(a.sourceId, Date.now());
      idOf.set(a.sourceId, a.id);
    }
  });
  const host = await startWebHost({ core, staticDir: o.staticDir, log: logger.child('web') });
  const releaseHost = onCleanup('backlog web host', () => host.stop());
  const browser = await launchChromium();
  const releaseBrowser = onCleanup('backlog Chromium', () => browser.close());
  try {
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await openConsole(page, core, host.url);
    await page.evaluate(PAGE_WATCH);
    await until(
      'the console linked',
      () => core.hub.status().state === 'connected' || undefined,
      30_000,
      100,
    );

    await hub.stopHub();
    hubUp = false;
    await until('the console offline', () => core.hub.status().state === 'offline' || undefined, 30_000, 100);
    const t0 = Date.now();
    await hub.backlog(hubFile, 'door', o.backlog);
    log(`  backlog ${o.backlog}: piled up in the hub's log in ${Date.now() - t0} ms; the hub comes back`);
    await hub.start(hubFile, token, Number(new URL(url).port));
    hubUp = true;
    // "A moment later": the console is back and replaying.
    await until(
      'the replay under way',
      async () => ((await lastCommittedSeq(core.db)) > 0 ? true : undefined),
      60_000,
      20,
    );

    const published: { sourceId: string; at: number }[] = [];
    let progress = 0;
    for (let i = 0; i < o.fires; i++) {
      const sourceId = `fire-${o.backlog}-${i}`;
      const { publishedAt } = await hub.fire(sourceId);
      published.push({ sourceId, at: publishedAt });
      if (i === o.fires - 1) progress = (await lastCommittedSeq(core.db)) / o.backlog;
      await sleep(o.spacingMs);
    }
    const last = published.at(-1)!.at;
    await until(
      'every fire painted',
      async () => {
        const seen = (await page.evaluate('window.__p1 || {}')) as Record<string, number>;
        return published.every((f) => idOf.has(f.sourceId) && seen[idOf.get(f.sourceId)!]) ||
          Date.now() > last + CUTOFF_MS
          ? true
          : undefined;
      },
      CUTOFF_MS + 5000,
      100,
    );
    const seen = (await page.evaluate('window.__p1 || {}')) as Record<string, number>;
    const committed: number[] = [];
    const painted: number[] = [];
    let notPainted = 0;
    const missing: number[] = [];
    for (const [i, f] of published.entries()) {
      committed.push((committedAt.get(f.sourceId) ?? f.at + CUTOFF_MS) - f.at);
      const id = idOf.get(f.sourceId);
      const p = id ? seen[id] : undefined;
      if (p === undefined) {
        notPainted++;
        missing.push(i);
      }
      painted.push((p ?? last + CUTOFF_MS) - f.at);
    }
    const rows = (await core
      .db('alarms')
      .whereIn(
        'source_id',
        published.map((f) => f.sourceId),
      )
      .groupBy('source_id')
      .select('source_id')
      .count({ n: '*' })) as { source_id: string; n: number }[];
    const once = rows.filter((r) => Number(r.n) === 1).length;
    return {
      backlog: o.backlog,
      fires: o.fires,
      committed_ms: figures(committed),
      painted_ms: figures(painted),
      not_painted: notPainted,
      not_painted_fires: missing,
      page_rows_at_end: (await page.evaluate(
        `document.querySelectorAll('[data-testid=alarm-row][data-priority="1"]').length`,
      )) as number,
      replay_progress_at_last_fire: Math.round(progress * 1000) / 1000,
      fires_all_inside_replay: progress < 1,
      fire_rows_not_one: o.fires - once,
      errors: errors.length,
    };
  } finally {
    unwatch();
    await releaseBrowser();
    await releaseHost();
    await releaseCore();
    await releaseHub();
    await releaseDir();
  }
}
