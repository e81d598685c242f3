/**
 * The ledger's live states at scale (issue 18): `--live-devices` hub-linked devices, their state changes at
 * `--live-rate` a second through the console's own embedded hub → console core (SQLite file, WAL,
 * synchronous=FULL) → the web host → the ledger tab in Chromium; the latency is hub publish → the row's new
 * state painted.
 *
 * Every change flips one device (ok ↔ fault). One change in five is a device whose row is on the page the
 * operator looks at (the ledger shows 100 rows a page): those are the measured ones, the rest are the load. In the
 * page a MutationObserver sees the row's `data-live` change as React writes it; the next animation frame is the
 * one that paints it, and a message posted from that frame's callback is handled after it, when the page takes
 * `Date.now()` as the time on screen (the same machine clock the publisher reads); the page keeps them, the benchmark
 * reads them at the end.
 */
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { HubEventBody } from '../../../shared/contract';
import type { Desk } from '../../../electron/desk';
import { silentLogger } from '../../../electron/common/log';
import { startWebHost } from '../../../electron/web-host/server';
import { SignInForm } from '../../e2e/pages/operators';
import { ensureRendererBuilt, launchChromium } from './browser';
import { log, onCleanup, sleep, until } from './harness';
import { ascending, percentile } from './stats';

const root = resolve(import.meta.dirname, '../../..');
/** Where the page keeps each row change it painted: [code, state, Date.now() after the frame], read at the end. */
const PAINTED = '__ledgerBenchPainted';

const OBSERVE = `(() => {
  const painted = (globalThis.${PAINTED} = []);
  const table = document.querySelector('[data-testid=ledger-table]');
  let seen = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = (m) => {
    const at = Date.now();
    for (const [code, state] of m.data) painted.push([code, state, at]);
  };
  let queued = false;
  new MutationObserver((records) => {
    for (const r of records) {
      const row = r.target;
      if (r.attributeName === 'data-live' && row.dataset && row.dataset.code) seen.push([row.dataset.code, row.dataset.live]);
    }
    if (queued || seen.length === 0) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      const batch = seen;
      seen = [];
      channel.port2.postMessage(batch);
    });
  }).observe(table, { subtree: true, attributes: true, attributeFilter: ['data-live'] });
  return [...table.querySelectorAll('[data-testid=ledger-row]')].map((r) => r.dataset.code);
})()`;

export interface LedgerLiveFigures {
  live_devices: number;
  live_rate: number;
  live_changes: number;
  live_measured: number;
  live_painted: number;
  live_p50_ms: number;
  live_p99_ms: number;
  live_max_ms: number;
  /** Hub publish → the core telling the pages (before the web host and the page). */
  live_told_p50_ms: number;
  live_told_p99_ms: number;
}

/** The devices' own zone: the operator filters the ledger to it, as one watching a building would. */
const ZONE = 'bench-live';
/** The times recorded for `key` (a device and the state it changed to), in order. */
function timesOf(map: Map<string, number[]>, key: string): number[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

const deviceId = (i: number) => `bench-dev-${String(i).padStart(5, '0')}`;

function change(i: number, state: 'ok' | 'fault', at: number): HubEventBody {
  return {
    kind: 'device',
    data: { deviceId: deviceId(i), kind: 'sensor', state, zone: ZONE, label: `传感器 ${i}`, at },
  } as HubEventBody;
}

export async function ledgerLive(
  core: Desk,
  o: { devices: number; rate: number; seconds: number; credentials: { username: string; password: string } },
): Promise<LedgerLiveFigures> {
  const hub = core.demoHub;
  if (!hub) throw new Error('the desk has no embedded hub to publish device states through');
  log(`live states: ${o.devices} hub-linked devices`);
  const states = new Array<'ok' | 'fault'>(o.devices).fill('ok');
  const now = Date.now();
  for (let i = 0; i < o.devices; i += 500)
    await Promise.all(
      Array.from({ length: Math.min(500, o.devices - i) }, (_, k) => hub.publish(change(i + k, 'ok', now))),
    );
  const linked = async () =>
    ((await core.db('facilities').where('origin', 'hub').count({ n: '*' }).first()) as { n: number }).n;
  await until('every device in the ledger', async () => (await linked()) >= o.devices || undefined, 300_000);

  ensureRendererBuilt();
  const host = await startWebHost({ core, staticDir: join(root, 'out/renderer'), log: silentLogger });
  onCleanup('web host', () => host.stop());
  const browser = await launchChromium();
  onCleanup('chromium', () => browser.close());
  const page: Page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  // No video: the wall's players get a socket that never sends a picture.
  const port = new URL(core.gateway.url).port;
  await page.routeWebSocket(
    (u) => u.port === port,
    () => undefined,
  );
  await page.goto(host.url, { waitUntil: 'load' });
  await new SignInForm(page).signIn(o.credentials.username, o.credentials.password);
  await page.getByTestId('alarm-queue').waitFor({ timeout: 60_000 });
  await page.keyboard.press('Alt+f');
  await page.getByTestId('facilities-tab-ledger').click();
  await page.locator('[data-testid=ledger-row]').first().waitFor({ timeout: 60_000 });
  await page.getByTestId('ledger-filter-zone').locator('..').getByRole('combobox').click();
  await page.getByRole('option', { name: ZONE }).click();
  await page
    .locator(`[data-testid=ledger-row][data-code^="bench-dev-"]`)
    .first()
    .waitFor({ timeout: 60_000 });

  const visibleCodes = (await page.evaluate(OBSERVE)) as string[];
  const visible = [...new Set(visibleCodes)]
    .map((code) => Number(/^bench-dev-(\d+)$/.exec(code)?.[1] ?? NaN))
    .filter((i) => Number.isInteger(i));
  if (visible.length === 0) throw new Error('no bench device on the ledger page');
  const onPage = new Set(visible);
  log(`  ${visible.length} of them on the page; ${o.rate} changes a second for ${o.seconds} s`);

  // When the core told the pages (in this process): splits hub → core from core → painted.
  const emitted = new Map<string, number[]>();
  core.bus.on('facilities.changed', ({ states: changes }) => {
    const at = Date.now();
    for (const c of changes ?? []) {
      const key = `${c.deviceId}|${c.state}`;
      timesOf(emitted, key).push(at);
    }
  });
  const sent: Array<{ key: string; at: number; nth: number }> = [];
  const sentCount = new Map<string, number>();
  const total = Math.round(o.rate * o.seconds);
  const start = Date.now();
  let next = 0;
  for (let n = 0; n < total; n++) {
    const due = start + (n * 1000) / o.rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const measured = n % 5 === 0;
    // The load never touches a row on the page: each painted change is then one the benchmark measured.
    let i = measured ? visible[next++ % visible.length]! : Math.floor(Math.random() * o.devices);
    while (!measured && onPage.has(i)) i = Math.floor(Math.random() * o.devices);
    const state = states[i] === 'ok' ? 'fault' : 'ok';
    states[i] = state;
    const at = Date.now();
    void hub.publish(change(i, state, at));
    if (measured) {
      const key = `${deviceId(i)}|${state}`;
      const nth = sentCount.get(key) ?? 0;
      sentCount.set(key, nth + 1);
      sent.push({ key, at, nth });
    }
  }
  // Every measured change painted, or 30 s: what is still missing then counts as not painted.
  const deadline = Date.now() + 30_000;
  while (
    Date.now() < deadline &&
    ((await page.evaluate(`globalThis.${PAINTED}.length`)) as number) < sent.length
  )
    await sleep(250);
  const painted = new Map<string, number[]>();
  for (const [code, state, at] of (await page.evaluate(`globalThis.${PAINTED}`)) as Array<
    [string, string, number]
  >) {
    const key = `${code}|${state}`;
    timesOf(painted, key).push(at);
  }
  const latencies: number[] = [];
  const toCore: number[] = [];
  for (const s of sent) {
    const at = painted.get(s.key)?.[s.nth];
    if (at !== undefined) latencies.push(at - s.at);
    const told = emitted.get(s.key)?.[s.nth];
    if (told !== undefined) toCore.push(told - s.at);
  }
  const sorted = ascending(latencies);
  const core50 = percentile(ascending(toCore), 50);
  const core99 = percentile(ascending(toCore), 99);
  return {
    live_devices: o.devices,
    live_rate: o.rate,
    live_changes: total,
    live_measured: sent.length,
    live_painted: latencies.length,
    live_p50_ms: percentile(sorted, 50),
    live_p99_ms: percentile(sorted, 99),
    live_max_ms: sorted.at(-1) ?? NaN,
    live_told_p50_ms: core50,
    live_told_p99_ms: core99,
  };
}
