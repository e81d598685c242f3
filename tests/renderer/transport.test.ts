import { afterEach, describe, expect, it, vi } from 'vitest';
import { pickTransport } from '../../renderer/api/transport';

/** A WebSocket that only remembers where it was asked to connect. */
class FakeSocket {
  static readonly OPEN = 1;
  static urls: string[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  constructor(url: string) {
    FakeSocket.urls.push(url);
  }
  send(): void {}
  close(): void {}
}

describe('the web host page token', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    FakeSocket.urls = [];
    window.sessionStorage.clear();
  });

  it('leaves the address bar once read (other parameters and the hash stay) and survives a reload of the tab', () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    window.history.replaceState(null, '', '/?token=s3cret&lang=en#wall');
    pickTransport();
    expect(window.location.search).toBe('?lang=en');
    expect(window.location.hash).toBe('#wall');
    expect(window.location.href).not.toContain('s3cret');
    expect(FakeSocket.urls.at(-1)).toMatch(/\/api\?token=s3cret$/);

    // A reload: the address no longer has it, the tab does.
    pickTransport();
    expect(FakeSocket.urls.at(-1)).toMatch(/\/api\?token=s3cret$/);
  });
});
