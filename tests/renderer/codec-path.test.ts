/** Which player a camera tile starts on (issue 16): WebCodecs passthrough, or JSMpeg and why. */
import { describe, expect, it } from 'vitest';
import { choosePath, webCodecsAvailable } from '../../renderer/features/cameras/codecPath';

describe("the page's choice of player", () => {
  const h264 = { source: 'rtsp://***@10.0.0.1/1' };
  it('passes an H.264 camera through where WebCodecs is, and says why not everywhere else', () => {
    expect(choosePath(h264, true, false)).toEqual({ path: 'webcodecs', reason: 'supported' });
    expect(choosePath({ ...h264, video: { codec: 'auto', player: 'jsmpeg' } }, true, false).reason).toBe(
      'forced',
    );
    expect(choosePath({ ...h264, video: { codec: 'h265', player: 'auto' } }, true, false).reason).toBe(
      'h265',
    );
    expect(choosePath({ source: 'synthetic:testsrc2' }, true, false).reason).toBe('synthetic');
    expect(choosePath(h264, false, false)).toEqual({ path: 'jsmpeg', reason: 'noWebCodecs' });
    expect(choosePath(h264, true, true)).toEqual({ path: 'jsmpeg', reason: 'refused' });
  });

  it('finds WebCodecs only in a secure context', () => {
    expect(webCodecsAvailable({ VideoDecoder: class {}, isSecureContext: true })).toBe(true);
    expect(webCodecsAvailable({ VideoDecoder: class {}, isSecureContext: false })).toBe(false);
    expect(webCodecsAvailable({ isSecureContext: true })).toBe(false);
  });
});
