import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** The HTTP status the server answered with; 0 when it closed without one. */
  status: number;
  /** Everything the server sent. */
  text: string;
  /** How the exchange ended: the server closed, reset, or we gave up waiting. */
  end: 'answered' | 'closed' | 'reset' | 'timeout';
  ms: number;
}

export interface RawOptions {
  /** Bind to this local address (any 127.x.y.z on Linux): a different sender for per-address limits. */
  localAddress?: string;
  /** Give up after this long (the server kept the socket open). */
  timeoutMs?: number;
  /** Close our side after writing (a body cut short). */
  hangUp?: boolean;
  /** Write these parts with a pause between them (slow-loris). */
  dribbleMs?: number;
}

/**
 * Sends bytes exactly as given over a fresh TCP connection and collects what comes back: for requests no
 * HTTP client would send (cut bodies, bad escapes, `//a:99999/`, huge headers).
 */
export function rawExchange(
  port: number,
  parts: Array<string | Buffer>,
  options: RawOptions = {},
): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket: Socket = connect({
      host: '127.0.0.1',
      port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const finish = (end: RawAnswer['end']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text, end, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs ?? 5000);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // A whole answer (headers and the body its Content-Length announces) is enough; keep-alive may follow.
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      if (head < 0) return;
      const headers = text.slice(0, head);
      const length = /\r\ncontent-length: *(\d+)/i.exec(headers)?.[1];
      if (length !== undefined && text.length - head - 4 >= Number(length)) finish('answered');
      else if (/\r\ntransfer-encoding: *chunked/i.test(headers) && text.endsWith('0\r\n\r\n'))
        finish('answered');
    });
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', () => finish('reset'));
    // Without this, Nagle's algorithm and delayed ACKs add 40 ms to every request written in parts.
    socket.setNoDelay(true);
    socket.on('connect', () => {
      if (!options.dribbleMs) {
        socket.write(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
        if (options.hangUp) socket.end();
        return;
      }
      void (async () => {
        for (const [i, part] of parts.entries()) {
          if (settled || socket.destroyed) return;
          if (i > 0 && options.dribbleMs) await new Promise((r) => setTimeout(r, options.dribbleMs));
          if (settled || socket.destroyed) return;
          socket.write(part);
        }
        if (options.hangUp && !socket.destroyed) socket.end();
      })();
    });
  });
}
