import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NvrChannel } from '../../shared/domain/nvr';
import {
  dahuaLines,
  deviceFields,
  fromDevice,
  hikvisionTime,
  mergeSpans,
  playbackUrl,
  pullArgs,
} from '../../electron/core/recordings/nvr';
import { hideNvrSecret, restoreNvrSecret, STORED_SECRET } from '../../electron/core/cameras/registry';

const hik = NvrChannel.parse({
  vendor: 'hikvision',
  host: '10.0.0.5',
  channel: 3,
  username: 'admin',
  password: 'p@ss:w/rd',
});
const dahua = NvrChannel.parse({
  vendor: 'dahua',
  host: 'nvr.local',
  channel: 2,
  stream: 'sub',
  rtspPort: 8554,
});
// 2026-12-01 08:30:05 UTC = 16:30:05 in Shanghai.
const T = Date.UTC(2026, 11, 1, 8, 30, 5);

describe('NVR playback URLs (guide/video.md A2)', () => {
  it('Hikvision: track = channel × 100 + 1 (main), times in UTC with Z, credentials escaped', () => {
    expect(playbackUrl(hik, T, T + 60_000, 'Asia/Shanghai')).toBe(
      'rtsp://admin:p%40ss%3Aw%2Frd@10.0.0.5:554/Streaming/tracks/301?starttime=20261201T083005Z&endtime=20261201T083105Z',
    );
  });

  it("Hikvision firmware that reads Z as local time: the NVR's local fields behind the Z", () => {
    const local = { ...hik, clock: 'local' as const };
    expect(playbackUrl(local, T, T + 1000, 'Asia/Shanghai')).toContain('starttime=20261201T163005Z');
  });

  it("Dahua: the NVR's local time (the site's zone by default), channel and subtype in the query", () => {
    expect(playbackUrl(dahua, T, T + 30_000, 'Asia/Shanghai')).toBe(
      'rtsp://nvr.local:8554/cam/playback?channel=2&subtype=1&starttime=2026_12_01_16_30_05&endtime=2026_12_01_16_30_35',
    );
  });

  it('a clock that runs ahead: the NVR is asked for the time its own clock showed then', () => {
    const ahead = { ...dahua, clockOffsetSec: 90 };
    expect(playbackUrl(ahead, T, T + 1000, 'Asia/Shanghai')).toContain('starttime=2026_12_01_16_31_35');
  });

  it('an NVR in a zone with summer time (Europe/Berlin): CEST in July, CET in December', () => {
    const berlin = { ...dahua, timeZone: 'Europe/Berlin' };
    expect(
      playbackUrl(berlin, Date.UTC(2026, 6, 1, 10, 0, 0), Date.UTC(2026, 6, 1, 10, 0, 1), 'Asia/Shanghai'),
    ).toContain('starttime=2026_07_01_12_00_00');
    expect(playbackUrl(berlin, T, T + 1000, 'Asia/Shanghai')).toContain('starttime=2026_12_01_09_30_05');
  });

  it('ffmpeg pulls by TCP with the I/O timeout spelt for its release, copies video only', () => {
    expect(pullArgs('rtsp://x/y', 29.6, 5)).toEqual(
      expect.arrayContaining([
        '-rtsp_transport',
        'tcp',
        '-timeout',
        '10000000',
        '-t',
        '30',
        '-map',
        '0:v:0',
        '-c',
        'copy',
      ]),
    );
    expect(pullArgs('rtsp://x/y', 10, 4)).toContain('-stimeout');
  });
});

describe("the NVR's clock", () => {
  const zones = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'UTC'];
  it('a reading of the NVR clock maps back to the same true second, in any zone, offset and clock kind', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1) / 1000, max: Date.UTC(2035, 0, 1) / 1000 }),
        fc.constantFrom(...zones),
        fc.integer({ min: -3600, max: 3600 }),
        fc.constantFrom('utc' as const, 'local' as const),
        (sec, timeZone, clockOffsetSec, clock) => {
          const n = { ...dahua, timeZone, clockOffsetSec, clock };
          const f = deviceFields(sec * 1000, n, 'Asia/Shanghai');
          const back = fromDevice(
            { Y: +f.Y, M: +f.M, D: +f.D, h: +f.h, m: +f.m, s: +f.s },
            n,
            'Asia/Shanghai',
          );
          // Within the hour a DST change repeats, a local reading is ambiguous: either instant is fine.
          expect([sec * 1000, sec * 1000 - 3_600_000, sec * 1000 + 3_600_000]).toContain(back);
          if (clock === 'utc' || timeZone === 'Asia/Shanghai' || timeZone === 'UTC')
            expect(back).toBe(sec * 1000);
        },
      ),
    );
  });

  it('Hikvision answers: an explicit offset is the truth, Z is read by the channel setting', () => {
    expect(hikvisionTime('2026-12-01T16:30:05+08:00', hik, 'Asia/Shanghai')).toBe(T);
    expect(hikvisionTime('2026-12-01T08:30:05Z', hik, 'Asia/Shanghai')).toBe(T);
    expect(hikvisionTime('2026-12-01T16:30:05Z', { ...hik, clock: 'local' }, 'Asia/Shanghai')).toBe(T);
    expect(hikvisionTime('not a time', hik, 'Asia/Shanghai')).toBeUndefined();
  });
});

describe('search answers', () => {
  it('merges spans that touch (within the 2 s gap) and cuts them to the window', () => {
    expect(
      mergeSpans(
        [
          { start: 5000, end: 9000 },
          { start: 0, end: 4000 },
          { start: 20_000, end: 40_000 },
        ],
        1000,
        30_000,
      ),
    ).toEqual([
      { start: 1000, end: 9000 },
      { start: 20_000, end: 30_000 },
    ]);
  });

  it("reads Dahua's key=value lines, CRLF or LF, values with = and spaces kept", () => {
    const m = dahuaLines(
      'found=1\r\nitems[0].StartTime=2026-12-01 16:30:05\nitems[0].FilePath=/mnt/a=b.dav\r\n',
    );
    expect(m.get('found')).toBe('1');
    expect(m.get('items[0].StartTime')).toBe('2026-12-01 16:30:05');
    expect(m.get('items[0].FilePath')).toBe('/mnt/a=b.dav');
  });
});

describe('the site file', () => {
  it('refuses a host that would change the URL (scheme, path, credentials) and an unknown field', () => {
    for (const host of ['rtsp://10.0.0.5', '10.0.0.5/x', 'a@b', 'nvr:554', '']) {
      expect(NvrChannel.safeParse({ vendor: 'hikvision', host, channel: 1 }).success).toBe(false);
    }
    expect(NvrChannel.safeParse({ vendor: 'hikvision', host: '[fe80::1]', channel: 1 }).success).toBe(true);
    expect(NvrChannel.safeParse({ vendor: 'hikvision', host: 'nvr', channel: 1, chanel: 2 }).success).toBe(
      false,
    );
    expect(NvrChannel.safeParse({ vendor: 'uniview', host: 'nvr', channel: 1 }).success).toBe(false);
  });
});

describe('the NVR password in camera management', () => {
  it('is shown as *** and kept when *** comes back for the same NVR; another address must type it again', () => {
    const shown = hideNvrSecret(hik)!;
    expect(shown.password).toBe(STORED_SECRET);
    expect(JSON.stringify(shown)).not.toContain('p@ss');
    expect(restoreNvrSecret(shown, hik)?.password).toBe('p@ss:w/rd');
    expect(restoreNvrSecret({ ...shown, password: 'new' }, hik)?.password).toBe('new');
    expect(() => restoreNvrSecret({ ...shown, host: '10.0.0.6' }, hik)).toThrow(
      /another than the stored one/,
    );
    expect(() => restoreNvrSecret(shown, undefined)).toThrow(/none stored/);
  });
});
