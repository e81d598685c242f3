import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { segmentStart, trimToLastFragment, wholeFragments } from '../../electron/core/recordings/files';
import { concatList } from '../../electron/core/recordings/play';
import { recorderArgs, recorderOutput } from '../../electron/core/recordings/recorder';
import { recordingsFromEnv } from '../../electron/desk';
import { parseReplay } from '../../electron/web-host/server';
import { tempDir } from '../support/temp';

const box = (type: string, payload = 0) => {
  const b = Buffer.alloc(8 + payload);
  b.writeUInt32BE(8 + payload, 0);
  b.write(type, 4, 'latin1');
  return b;
};

describe('the recorder pieces', () => {
  it('reads pictures from the progress report and closed segments from the segment list, across chunk edges', () => {
    const closed: { name: string; seconds: number }[] = [];
    const read = recorderOutput((s) => closed.push(s))();
    expect(read(Buffer.from('frame=10\nfps=25\nprogress=continue\n20261201T080000Z.mp'))).toBe(10);
    expect(read(Buffer.from('4,0.000000,2.040000\nframe=35\n'))).toBe(25);
    expect(read(Buffer.from('frame=35\n../x.mp4,0,1\n'))).toBe(0);
    expect(closed).toEqual([{ name: '20261201T080000Z.mp4', seconds: 2.04 }]);
    // A fresh reader per launch: the new ffmpeg counts frames from 0 again.
    expect(recorderOutput(() => undefined)()(Buffer.from('frame=3\n'))).toBe(3);
  });

  it('copies H.264 into wall-clock fragmented-MP4 segments with flush_packets inside the segment options', () => {
    const args = recorderArgs({
      url: 'rtsp://cam/1',
      transport: 'tcp',
      root: '/r',
      camera: 'cam-01',
      segmentSec: 10,
      major: 5,
    });
    expect(args.join(' ')).toContain('-c:v copy');
    expect(args.join(' ')).toContain(
      '-segment_format_options movflags=+frag_keyframe+empty_moov+default_base_moof:flush_packets=1',
    );
    expect(args.indexOf('-rtsp_transport')).toBeLessThan(args.indexOf('-i'));
    expect(args.at(-1)).toBe(join('/r', 'cam-01', '%Y%m%d', '%Y%m%dT%H%M%SZ.mp4'));
  });

  it('names segments in UTC and refuses other names', () => {
    expect(segmentStart('20261201T080005Z.mp4')).toBe(Date.UTC(2026, 11, 1, 8, 0, 5));
    expect(segmentStart('../20261201T080005Z.mp4')).toBeUndefined();
    expect(segmentStart('20261201T080005.mp4')).toBeUndefined();
  });

  it('cuts a killed segment back to its last complete fragment, and keeps a whole one as it is', () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 's.mp4');
      const whole = Buffer.concat([box('ftyp', 8), box('moov', 20), box('moof', 10), box('mdat', 30)]);
      writeFileSync(file, Buffer.concat([whole, box('moof', 10), box('mdat', 30).subarray(0, 12)]));
      // Reading does not cut: one whole fragment, the second still being written.
      expect(wholeFragments(file)).toEqual({
        bytes: whole.length,
        size: whole.length + 30,
        header: true,
        fragments: 1,
      });
      expect(trimToLastFragment(file)).toBe(whole.length);
      expect(readFileSync(file).equals(whole)).toBe(true);
      expect(trimToLastFragment(file)).toBe(whole.length);
      writeFileSync(file, box('ftyp', 8));
      expect(trimToLastFragment(file)).toBe(0);
    } finally {
      tmp.cleanup();
    }
  });

  it('plays from an in-point in the first segment to an out-point in the last, the open one read to its end', () => {
    const list = concatList(
      [
        { file: "/r/it's.mp4", start: 0, end: 10_000 },
        { file: '/r/b.mp4', start: 10_000, end: 20_000 },
      ],
      4000,
      15_000,
    );
    expect(list).toBe("file '/r/it'\\''s.mp4'\ninpoint 4.000\nfile '/r/b.mp4'\noutpoint 5.000\n");
    expect(concatList([{ file: '/r/o.mp4', start: 0, end: undefined }], 0, 9000)).toBe("file '/r/o.mp4'\n");
  });

  it('takes its settings from the environment, bounded', () => {
    expect(recordingsFromEnv({})).toEqual({ enabled: true });
    expect(recordingsFromEnv({ CONSOLE_RECORDINGS: 'off', CONSOLE_RECORDING_SEGMENT_SEC: '2' })).toEqual({
      enabled: false,
      segmentSec: 2,
    });
    expect(recordingsFromEnv({ CONSOLE_RECORDING_SEGMENT_SEC: '0.5' })).toEqual({ enabled: true });
  });
});

describe('the replay request at the web host', () => {
  const now = Date.UTC(2026, 11, 1, 9);
  const parse = (path: string) => parseReplay(new URL(`http://127.0.0.1${path}`), now);

  it('accepts a camera id, a UTC time and a length', () => {
    expect(parse('/recordings/cam-01/play?from=2026-12-01T08:59:30Z&seconds=30')).toEqual({
      cameraId: 'cam-01',
      from: now - 30_000,
      seconds: 30,
    });
  });

  it.each([
    '/recordings/../play?from=2026-12-01T08:59:30Z&seconds=30',
    '/recordings/a%2Fb/play?from=2026-12-01T08:59:30Z&seconds=30',
    '/recordings/cam-01/list?from=2026-12-01T08:59:30Z&seconds=30',
    '/recordings/cam-01/play/x?from=2026-12-01T08:59:30Z&seconds=30',
    '/recordings/cam-01/play?from=2026-12-01T08:59:30%2B08:00&seconds=30',
    '/recordings/cam-01/play?from=2026-12-02T09:00:00Z&seconds=30',
    '/recordings/cam-01/play?from=2024-01-01T00:00:00Z&seconds=30',
    '/recordings/cam-01/play?from=2026-12-01T08:59:30Z&seconds=0',
    '/recordings/cam-01/play?from=2026-12-01T08:59:30Z&seconds=3601',
    '/recordings/cam-01/play?from=2026-12-01T08:59:30Z&seconds=1e3',
    '/recordings/cam-01/play?seconds=30',
  ])('refuses %s', (path) => {
    expect(typeof parse(path)).toBe('string');
  });
});
