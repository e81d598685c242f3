/**
 * The ONVIF PullPoint source: per camera, GetSystemDateAndTime (the clock offset for WS-UsernameToken),
 * GetCapabilities (the events address), CreatePullPointSubscription, then PullMessages and Renew after every
 * pull; a SOAP fault on Pull or Renew, or an expired subscription, creates a new one (the old one is left to
 * expire: on some devices Unsubscribe ends every subscription); Unsubscribe on stop. See README.md.
 */
import { readFileSync } from 'node:fs';
import type { SourceProblem } from '../../../../shared/contract';
import {
  escapeRaw,
  problemOf,
  RefusedLog,
  sourceStatus,
  type Source,
  type SourceContext,
  type SourceStatus,
} from '../source';
import { CameraTracker, startSweeper } from '../isapi/camera';
import { findAll, path, type XmlElement } from '../../../common/xml';
import type { OnvifSourceConfig } from './config';
import { parseNotification } from './events';
import { SoapClient, SoapFault } from './soap';

const EV = 'http://www.onvif.org/ver10/events/wsdl';
const WSN = 'http://docs.oasis-open.org/wsn/b-2';

export interface OnvifSource extends Source {
  cameras(): {
    camera: string;
    connected: boolean;
    subscriptions: number;
    offsetMs: number;
    error?: string;
  }[];
}

function xsdTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

/** The device's UTC time from a GetSystemDateAndTimeResponse. */
function deviceUtc(body: XmlElement): number | undefined {
  const utc = findAll(body, 'UTCDateTime')[0];
  const d = path(utc, 'Date');
  const t = path(utc, 'Time');
  const n = (el: XmlElement | undefined, name: string) => Number(path(el, name)?.text);
  const v = Date.UTC(
    n(d, 'Year'),
    n(d, 'Month') - 1,
    n(d, 'Day'),
    n(t, 'Hour'),
    n(t, 'Minute'),
    n(t, 'Second'),
  );
  return Number.isFinite(v) ? v : undefined;
}

/** A device that refuses our WS-UsernameToken says so by its fault subcode; the rest is the socket's. */
function onvifProblem(e: unknown): SourceProblem {
  return e instanceof SoapFault && /NotAuthorized/i.test(e.subcode) ? 'unauthorized' : problemOf(e);
}

export function createOnvifSource(
  config: OnvifSourceConfig,
  ctx: SourceContext,
  baseDir = process.cwd(),
): OnvifSource {
  const counts = { received: 0, committed: 0, refused: 0, errors: 0 };
  const refused = new RefusedLog();
  let lastMessageAt: number | undefined;
  let running = false;
  let sweeper: NodeJS.Timeout | undefined;

  const refuse = (camera: string, reason: string, raw: string) => {
    counts.refused++;
    refused.add({ at: ctx.now(), code: 'malformed', peer: camera, reason, raw: escapeRaw(Buffer.from(raw)) });
  };

  const units = config.cameras.map((entry) => {
    const tracker = new CameraTracker(config.id, 'onvif', { ...entry }, config, ctx, counts);
    const u = {
      entry,
      tracker,
      offsetMs: 0,
      connected: false,
      subscriptions: 0,
      error: undefined as string | undefined,
      problem: undefined as SourceProblem | undefined,
      health: undefined as 'ok' | 'offline' | undefined,
      wake: undefined as (() => void) | undefined,
      loop: Promise.resolve(),
    };
    return u;
  });
  type Unit = (typeof units)[number];

  const setHealth = (u: Unit, h: 'ok' | 'offline', cause: string) => {
    if (u.health === h) return;
    u.health = h;
    const now = ctx.now();
    void u.tracker.report({
      key: `onvif:${encodeURIComponent(config.id)}:${encodeURIComponent(u.entry.camera)}:state:${h}:${now}`,
      kind: 'state',
      state: h,
      device: u.tracker.device(u.entry.camera),
      ...(u.entry.zone !== undefined ? { zone: u.entry.zone } : {}),
      cameras: [u.entry.camera],
      at: now,
      origin: { protocol: 'onvif', cause: cause.slice(0, 120) },
    });
  };

  const sleep = (u: Unit, ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      u.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  async function session(u: Unit, soap: SoapClient): Promise<void> {
    const base = u.entry.url.replace(/\/$/, '');
    const deviceUrl = base + config.devicePath;
    const t0 = ctx.now();
    const dt = await soap.call(
      deviceUrl,
      'http://www.onvif.org/ver10/device/wsdl/GetSystemDateAndTime',
      '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>',
      { secure: false, timeoutMs: 10_000 },
    );
    const device = deviceUtc(dt);
    // Half the round trip is the best guess of when the device read its clock; seconds are all it gives.
    if (device !== undefined) u.offsetMs = device - Math.round((t0 + ctx.now()) / 2);
    const caps = await soap.call(
      deviceUrl,
      'http://www.onvif.org/ver10/device/wsdl/GetCapabilities',
      '<GetCapabilities xmlns="http://www.onvif.org/ver10/device/wsdl"><Category>Events</Category></GetCapabilities>',
      { timeoutMs: 10_000 },
    );
    const xaddr = path(findAll(caps, 'Events')[0], 'XAddr')?.text;
    if (!xaddr || !/^https?:\/\//.test(xaddr)) throw new Error('the device advertises no events service');
    // Devices often advertise their own LAN address; keep our scheme, host and port and take only the path.
    const eventsUrl = base + new URL(xaddr).pathname;
    for (;;) {
      if (!running) return;
      const created = await soap.call(
        eventsUrl,
        `${EV}/EventPortType/CreatePullPointSubscriptionRequest`,
        `<CreatePullPointSubscription xmlns="${EV}"><InitialTerminationTime>PT${config.terminationSec}S</InitialTerminationTime></CreatePullPointSubscription>`,
        { timeoutMs: 10_000 },
      );
      const address = path(findAll(created, 'SubscriptionReference')[0], 'Address')?.text;
      if (!address || !/^https?:\/\//.test(address))
        throw new Error('CreatePullPointSubscription gave no address');
      const subUrl = base + new URL(address).pathname + new URL(address).search;
      u.subscriptions++;
      u.connected = true;
      u.error = undefined;
      setHealth(u, 'ok', 'subscribed');
      // Expiry on our clock: TerminationTime − CurrentTime, both the device's, absorbs its skew.
      const expiry = (cur: XmlElement) => {
        const c = xsdTime(findAll(cur, 'CurrentTime')[0]?.text);
        const t = xsdTime(findAll(cur, 'TerminationTime')[0]?.text);
        return c !== undefined && t !== undefined
          ? ctx.now() + (t - c)
          : ctx.now() + config.terminationSec * 1000;
      };
      let expires = expiry(created);
      try {
        while (running) {
          if (ctx.now() >= expires)
            throw new SoapFault('', 'expired', 'the subscription expired before it was renewed');
          const pulled = await soap.call(
            subUrl,
            `${EV}/PullPointSubscription/PullMessagesRequest`,
            `<PullMessages xmlns="${EV}"><Timeout>PT${config.pullTimeoutSec}S</Timeout><MessageLimit>${config.messageLimit}</MessageLimit></PullMessages>`,
            { timeoutMs: (config.pullTimeoutSec + 10) * 1000, to: true },
          );
          for (const n of findAll(pulled, 'NotificationMessage')) {
            counts.received++;
            lastMessageAt = ctx.now();
            const r = parseNotification(n);
            if (r.kind === 'refused')
              refuse(u.entry.camera, r.reason, n.children.map((c) => c.name).join(','));
            else if (r.kind === 'event') void u.tracker.handle({ ...r.event, camera: u.entry.camera });
          }
          if (!running) break;
          // Always renew: some devices do not extend the subscription on a pull (onvif/specs #506).
          const renewed = await soap.call(
            subUrl,
            `${WSN}/SubscriptionManager/RenewRequest`,
            `<Renew xmlns="${WSN}"><TerminationTime>PT${config.terminationSec}S</TerminationTime></Renew>`,
            { timeoutMs: 10_000, to: true },
          );
          expires = expiry(renewed);
        }
      } catch (e) {
        if (!(e instanceof SoapFault)) throw e;
        counts.errors++;
        u.error = e.message;
        u.problem = onvifProblem(e);
        ctx.log.warn('onvif subscription lost; creating a new one', {
          camera: u.entry.camera,
          err: e.message,
        });
        // A device that faults every pull must not be asked in a tight loop.
        await sleep(u, config.reconnectMinMs);
        continue;
      }
      // Stopping: end our subscription (best effort).
      await soap
        .call(subUrl, `${WSN}/SubscriptionManager/UnsubscribeRequest`, `<Unsubscribe xmlns="${WSN}"/>`, {
          timeoutMs: 2000,
          to: true,
        })
        .catch(() => undefined);
      return;
    }
  }

  async function run(u: Unit): Promise<void> {
    let backoff = config.reconnectMinMs;
    const soap = new SoapClient({
      username: u.entry.username,
      password: u.entry.password,
      offsetMs: () => u.offsetMs,
      now: ctx.now,
      maxResponseBytes: config.maxResponseBytes,
      ...(u.entry.ca ? { ca: readFileSync(new URL(u.entry.ca, `file://${baseDir}/`)) } : {}),
    });
    while (running) {
      const before = u.subscriptions;
      try {
        await session(u, soap);
      } catch (e) {
        counts.errors++;
        u.connected = false;
        u.error = (e as Error).message.slice(0, 300);
        u.problem = onvifProblem(e);
        setHealth(u, 'offline', u.error);
        if (u.subscriptions > before) backoff = config.reconnectMinMs;
        await sleep(u, backoff);
        backoff = Math.min(backoff * 2, config.reconnectMaxMs);
      }
    }
    u.connected = false;
  }

  return {
    id: config.id,
    kind: 'camera',
    start() {
      running = true;
      for (const u of units) u.loop = run(u);
      sweeper = startSweeper(() => units.map((u) => u.tracker), config.autoClearSec);
      return Promise.resolve();
    },
    async stop() {
      running = false;
      clearInterval(sweeper);
      for (const u of units) u.wake?.();
      // A pull in progress ends within its timeout; do not wait longer than that for the Unsubscribes.
      await Promise.race([
        Promise.all(units.map((u) => u.loop)),
        new Promise((r) => setTimeout(r, 3000).unref()),
      ]);
    },
    cameras() {
      return units.map((u) => ({
        camera: u.entry.camera,
        connected: u.connected,
        subscriptions: u.subscriptions,
        offsetMs: u.offsetMs,
        ...(u.error !== undefined ? { error: u.error } : {}),
      }));
    },
    status(): SourceStatus {
      const peers = units.filter((u) => u.connected).length;
      const failing = units.find((u) => !u.connected && u.error);
      return sourceStatus({
        id: config.id,
        kind: 'camera',
        state: !running
          ? 'stopped'
          : peers === units.length
            ? 'connected'
            : peers > 0
              ? 'degraded'
              : 'starting',
        // The cameras' ids, not a sentence: the view shows it as it is, in either language.
        endpoint: `onvif: ${units.map((u) => u.entry.camera).join(', ')}`.slice(0, 200),
        peers,
        lastMessageAt,
        counts,
        refused,
        error: failing?.error,
        problem: failing?.problem,
      });
    },
  };
}
