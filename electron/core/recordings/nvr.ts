/**
 * Recordings kept on an NVR (issue 15; guide/video.md A2): the playback URL for a time range, the recording
 * search (Hikvision ISAPI `ContentMgmt/search`, Dahua `mediaFileFind.cgi`) for the coverage and the oldest
 * recording, and ffmpeg pulling a range by `-c copy`. Times go to the NVR as its clock reads them: shifted by its
 * offset, in UTC or in its local zone; what comes back is turned into true UTC the same way.
 *
 * ONVIF Profile G replay is not used: it needs `Require: onvif-replay` and `Range: clock=` on SETUP/PLAY, which
 * ffmpeg cannot send. Hikvision and Dahua NVRs, what Chinese estates run, answer their own URL forms.
 */
import { randomUUID } from 'node:crypto';
import type { CoverageSpan } from '../../../shared/contract';
import { GAP_MS } from '../../../shared/contract';
import { nvrClock, type NvrChannel } from '../../../shared/domain/nvr';
import { utcOffsetMin } from '../../../shared/domain/patrol';
import { DeviceHttp } from '../../common/device-http';
import type { Logger } from '../../common/log';
import { ServiceError } from '../errors';
import { findAll, parseXml, path } from '../../common/xml';

const DAY_MS = 86_400_000;
/** Search answers are read in pages; more than this many pages in one search is a runaway device. */
const MAX_PAGES = 50;
const PAGE = 40;
/** How far back the oldest recording is looked for: past any retention rule (90 days) with room. */
const OLDEST_LOOKBACK_MS = 400 * DAY_MS;

export class NvrError extends Error {}

/** The NVR's wall-clock fields for a true UTC time: its clock offset added, in its zone when it keeps local time. */
export function deviceFields(at: number, n: NvrChannel, siteTimeZone: string) {
  const shown = at + n.clockOffsetSec * 1000;
  const zone = nvrClock(n) === 'local' ? (n.timeZone ?? siteTimeZone) : 'UTC';
  const d = new Date(shown + utcOffsetMin(shown, zone) * 60_000);
  const two = (v: number) => String(v).padStart(2, '0');
  return {
    Y: String(d.getUTCFullYear()).padStart(4, '0'),
    M: two(d.getUTCMonth() + 1),
    D: two(d.getUTCDate()),
    h: two(d.getUTCHours()),
    m: two(d.getUTCMinutes()),
    s: two(d.getUTCSeconds()),
  };
}

/** The true UTC time of a wall-clock reading of the NVR's (the inverse of `deviceFields`), or undefined. */
export function fromDevice(
  f: { Y: number; M: number; D: number; h: number; m: number; s: number },
  n: NvrChannel,
  siteTimeZone: string,
): number | undefined {
  const naive = Date.UTC(f.Y, f.M - 1, f.D, f.h, f.m, f.s);
  if (!Number.isFinite(naive)) return undefined;
  const zone = nvrClock(n) === 'local' ? (n.timeZone ?? siteTimeZone) : 'UTC';
  // The zone's offset at the reading; asked twice so a reading next to a DST change lands on the right side.
  const guess = naive - utcOffsetMin(naive, zone) * 60_000;
  const shown = naive - utcOffsetMin(guess, zone) * 60_000;
  return shown - n.clockOffsetSec * 1000;
}

const userInfo = (n: NvrChannel) =>
  n.username === undefined
    ? ''
    : `${encodeURIComponent(n.username)}${n.password === undefined ? '' : `:${encodeURIComponent(n.password)}`}@`;

/** Hikvision numbers a channel's streams 101, 102 (channel 1 main, sub), 201, … */
export const hikvisionTrack = (n: NvrChannel) => n.channel * 100 + (n.stream === 'main' ? 1 : 2);

/** The RTSP URL that plays [from, to) of the camera's channel from the NVR (credentials in it: never log it as is). */
export function playbackUrl(n: NvrChannel, from: number, to: number, siteTimeZone: string): string {
  const base = `rtsp://${userInfo(n)}${n.host}:${n.rtspPort}`;
  const a = deviceFields(from, n, siteTimeZone);
  const b = deviceFields(to, n, siteTimeZone);
  if (n.vendor === 'hikvision') {
    const t = (f: typeof a) => `${f.Y}${f.M}${f.D}T${f.h}${f.m}${f.s}Z`;
    return `${base}/Streaming/tracks/${hikvisionTrack(n)}?starttime=${t(a)}&endtime=${t(b)}`;
  }
  const t = (f: typeof a) => `${f.Y}_${f.M}_${f.D}_${f.h}_${f.m}_${f.s}`;
  return `${base}/cam/playback?channel=${n.channel}&subtype=${n.stream === 'main' ? 0 : 1}&starttime=${t(a)}&endtime=${t(b)}`;
}

/** ffmpeg pulling a range from the NVR: the time is in the URL (vendors honour `Range: npt` unevenly), no `-re`. */
export function pullArgs(url: string, seconds: number, ffmpegMajor: number | undefined): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-rtsp_transport',
    'tcp',
    ...(ffmpegMajor === undefined ? [] : [ffmpegMajor >= 5 ? '-timeout' : '-stimeout', '10000000']),
    '-i',
    url,
    '-t',
    String(Math.max(1, Math.round(seconds))),
    '-map',
    '0:v:0',
    '-c',
    'copy',
  ];
}

/** Spans sorted and joined where they touch (within the gap the console itself tolerates), cut to [from, to). */
export function mergeSpans(spans: readonly CoverageSpan[], from: number, to: number): CoverageSpan[] {
  const out: CoverageSpan[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    const start = Math.max(s.start, from);
    const end = Math.min(s.end, to);
    if (end <= start) continue;
    const prev = out.at(-1);
    if (prev && start - prev.end <= GAP_MS) prev.end = Math.max(prev.end, end);
    else out.push({ start, end });
  }
  return out;
}

export interface NvrSearch {
  /** The NVR's recorded spans over [from, to), merged. */
  spans(from: number, to: number): Promise<CoverageSpan[]>;
  /** The oldest recording the NVR still holds, or null when it holds none. */
  oldest(now: number): Promise<number | null>;
}

export interface NvrSearchOptions {
  timeoutMs?: number;
  /** One answer at most (a search page is a few KB). */
  maxBytes?: number;
}

/** A vendor's paged search as the console uses it: merged coverage, and the first recording it still holds. */
function searching(search: (from: number, to: number, max: number) => Promise<CoverageSpan[]>): NvrSearch {
  return {
    spans: async (from, to) => mergeSpans(await search(from, to, PAGE * MAX_PAGES), from, to),
    async oldest(now) {
      const first = await search(now - OLDEST_LOOKBACK_MS, now, 1);
      return first.length === 0 ? null : Math.min(...first.map((s) => s.start));
    },
  };
}

function httpFor(n: NvrChannel, o: NvrSearchOptions): { http: DeviceHttp; base: string } {
  return {
    http: new DeviceHttp({
      username: n.username,
      password: n.password,
      timeoutMs: o.timeoutMs ?? 8_000,
      maxBytes: o.maxBytes ?? 512 * 1024,
    }),
    base: `${n.https ? 'https' : 'http'}://${n.host}:${n.httpPort}`,
  };
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const DAHUA_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})$/;

function fields(m: RegExpExecArray) {
  return { Y: +m[1]!, M: +m[2]!, D: +m[3]!, h: +m[4]!, m: +m[5]!, s: +m[6]! };
}

/**
 * A Hikvision time as the NVR wrote it. An explicit offset (`+08:00`) is the truth; a `Z` or nothing is read by the
 * channel's clock setting, because firmware that reads `Z` as local time writes it that way too.
 */
export function hikvisionTime(text: string, n: NvrChannel, siteTimeZone: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const zone = m[7];
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    const f = fields(m);
    return Date.UTC(f.Y, f.M - 1, f.D, f.h, f.m, f.s) - offset * 60_000 - n.clockOffsetSec * 1000;
  }
  return fromDevice(fields(m), n, siteTimeZone);
}

/** Hikvision: `POST /ISAPI/ContentMgmt/search` (CMSearchDescription), paged while the answer says MORE. */
export function hikvisionSearch(n: NvrChannel, siteTimeZone: string, o: NvrSearchOptions = {}): NvrSearch {
  const { http, base } = httpFor(n, o);
  const stamp = (t: number) => {
    const f = deviceFields(t, n, siteTimeZone);
    return `${f.Y}-${f.M}-${f.D}T${f.h}:${f.m}:${f.s}Z`;
  };
  const search = async (from: number, to: number, max: number): Promise<CoverageSpan[]> => {
    const id = randomUUID();
    const found: CoverageSpan[] = [];
    for (let page = 0, position = 0; page < MAX_PAGES; page++) {
      const body =
        '<?xml version="1.0" encoding="UTF-8"?>' +
        '<CMSearchDescription>' +
        `<searchID>${id}</searchID>` +
        `<trackIDList><trackID>${hikvisionTrack(n)}</trackID></trackIDList>` +
        `<timeSpanList><timeSpan><startTime>${stamp(from)}</startTime><endTime>${stamp(to)}</endTime></timeSpan></timeSpanList>` +
        `<maxResults>${Math.min(PAGE, max - found.length)}</maxResults>` +
        // (sic): the ISAPI spells it so.
        `<searchResultPostion>${position}</searchResultPostion>` +
        '<metadataList><metadataDescriptor>//recordType.meta.std-cgi.com</metadataDescriptor></metadataList>' +
        '</CMSearchDescription>';
      const res = await http.request(`${base}/ISAPI/ContentMgmt/search`, {
        method: 'POST',
        body,
        contentType: 'application/xml; charset="UTF-8"',
      });
      if (res.status !== 200) throw new NvrError(`the NVR answered the search with HTTP ${res.status}`);
      const root = parseXml(res.body);
      const status = (path(root, 'responseStatusStrg')?.text ?? '').toUpperCase();
      if (status === 'NO MATCHES' || status === 'NO MATCH') break;
      const items = findAll(root, 'searchMatchItem');
      for (const item of items) {
        const start = hikvisionTime(path(item, 'timeSpan', 'startTime')?.text ?? '', n, siteTimeZone);
        const end = hikvisionTime(path(item, 'timeSpan', 'endTime')?.text ?? '', n, siteTimeZone);
        if (start !== undefined && end !== undefined && end > start) found.push({ start, end });
      }
      position += items.length;
      if (status !== 'MORE' || items.length === 0 || found.length >= max) break;
    }
    return found;
  };
  return searching(search);
}

/** Dahua's `key=value` lines (`items[0].StartTime=2021-03-18 11:36:01`). */
export function dahuaLines(body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of body.split(/\r?\n/).slice(0, 20_000)) {
    const i = line.indexOf('=');
    if (i > 0) out.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return out;
}

/** Dahua: `mediaFileFind.cgi` — create a finder, `findFile`, `findNextFile` in pages, then close and destroy it. */
export function dahuaSearch(n: NvrChannel, siteTimeZone: string, o: NvrSearchOptions = {}): NvrSearch {
  const { http, base } = httpFor(n, o);
  const cgi = `${base}/cgi-bin/mediaFileFind.cgi`;
  const stamp = (t: number) => {
    const f = deviceFields(t, n, siteTimeZone);
    return encodeURIComponent(`${f.Y}-${f.M}-${f.D} ${f.h}:${f.m}:${f.s}`);
  };
  const get = async (query: string) => {
    const res = await http.request(`${cgi}?${query}`);
    if (res.status !== 200) throw new NvrError(`the NVR answered the search with HTTP ${res.status}`);
    return res.body;
  };
  const search = async (from: number, to: number, max: number): Promise<CoverageSpan[]> => {
    const object = dahuaLines(await get('action=factory.create')).get('result');
    if (!object || !/^\d{1,20}$/.test(object)) throw new NvrError('the NVR did not create a file finder');
    const found: CoverageSpan[] = [];
    try {
      const started = await get(
        `action=findFile&object=${object}&condition.Channel=${n.channel}` +
          `&condition.StartTime=${stamp(from)}&condition.EndTime=${stamp(to)}&condition.Types[0]=dav`,
      );
      // "Error" here is Dahua's way of saying nothing matched.
      if (!/^OK/i.test(started.trim())) return [];
      for (let page = 0; page < MAX_PAGES && found.length < max; page++) {
        const lines = dahuaLines(
          await get(`action=findNextFile&object=${object}&count=${Math.min(PAGE * 2, max - found.length)}`),
        );
        const count = Number(lines.get('found') ?? 0);
        if (!Number.isInteger(count) || count <= 0) break;
        for (let i = 0; i < Math.min(count, PAGE * 2); i++) {
          const read = (key: string) => {
            const m = DAHUA_TIME.exec(lines.get(`items[${i}].${key}`) ?? '');
            return m ? fromDevice(fields(m), n, siteTimeZone) : undefined;
          };
          const start = read('StartTime');
          const end = read('EndTime');
          if (start !== undefined && end !== undefined && end > start) found.push({ start, end });
        }
      }
    } finally {
      await get(`action=close&object=${object}`).catch(() => undefined);
      await get(`action=destroy&object=${object}`).catch(() => undefined);
    }
    return found;
  };
  return searching(search);
}

export const nvrSearch = (n: NvrChannel, siteTimeZone: string, o: NvrSearchOptions = {}): NvrSearch =>
  n.vendor === 'hikvision' ? hikvisionSearch(n, siteTimeZone, o) : dahuaSearch(n, siteTimeZone, o);

/** The NVR's oldest recording moves by the hour at most: asked again after this long. */
const NVR_OLDEST_MS = 10 * 60_000;

interface Channel {
  key: string;
  search: NvrSearch;
  oldest?: { at: number; value: number | null };
}

/**
 * The cameras' NVR channels as the recordings feature uses them: one search client per camera, kept while its
 * settings stay the same (the Digest challenge with it), the oldest recording cached a while, and the NVR's
 * silence turned into a refusal the operator can act on (the technical reason goes to the log).
 */
export class NvrChannels {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly o: {
      nvrOf(cameraId: string): NvrChannel | undefined;
      siteTimeZone(): string;
      ffmpegMajor: number | undefined;
      log: Logger;
    },
  ) {}

  /** The camera's NVR channel and its search, or undefined for a camera the console records itself. */
  of(cameraId: string) {
    const nvr = this.o.nvrOf(cameraId);
    if (!nvr) {
      this.channels.delete(cameraId);
      return undefined;
    }
    const key = JSON.stringify(nvr);
    let channel = this.channels.get(cameraId);
    if (channel?.key !== key) {
      channel = { key, search: nvrSearch(nvr, this.o.siteTimeZone()) };
      this.channels.set(cameraId, channel);
    }
    const entry = channel;
    return {
      nvr,
      search: entry.search,
      async oldest(now: number): Promise<number | null> {
        if (entry.oldest && now - entry.oldest.at < NVR_OLDEST_MS) return entry.oldest.value;
        const value = await entry.search.oldest(now);
        entry.oldest = { at: now, value };
        return value;
      },
    };
  }

  /** ffmpeg's arguments that pull [from, to) of the channel. */
  pull(nvr: NvrChannel, from: number, to: number): string[] {
    return pullArgs(
      playbackUrl(nvr, from, to, this.o.siteTimeZone()),
      (to - from) / 1000,
      this.o.ffmpegMajor,
    );
  }

  /** Asks the NVR; its silence is a worded refusal (`nvr_unreachable`). */
  async ask<T>(cameraId: string, host: string, ask: () => Promise<T>): Promise<T> {
    try {
      return await ask();
    } catch (err) {
      const error = (err as Error).message.slice(0, 300);
      this.o.log.warn('the NVR did not answer', { cameraId, host, error });
      throw new ServiceError(
        'unavailable',
        `The NVR at ${host} did not answer: ${error}`,
        'nvr_unreachable',
        {
          host,
        },
      );
    }
  }

  /** What the camera's NVR holds, for the retention check; an NVR that does not answer is said so, not thrown. */
  async retention(cameraId: string, now: number) {
    const n = this.of(cameraId);
    if (!n) return undefined;
    try {
      const [oldest, month] = await Promise.all([n.oldest(now), n.search.spans(now - 30 * DAY_MS, now)]);
      return { oldest, month, day: month.filter((s) => s.end > now - DAY_MS) };
    } catch (err) {
      this.o.log.warn('the NVR did not answer the retention check', {
        cameraId,
        error: (err as Error).message,
      });
      return { error: (err as Error).message };
    }
  }
}
