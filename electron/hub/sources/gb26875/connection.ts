/**
 * The GB/T 26875.3 source's TCP side: connections capped in all and per host, frames cut out of the bytes one at a
 * time (the next only once the last is handled), a read paused while too much is buffered, a partial frame
 * dropped after `partialFrameMs`, an idle connection closed. What a frame means is the receiver's.
 */
import type { Socket } from 'node:net';
import type { RefusalCode } from '../../../../shared/contract';
import type { SourceLog } from '../source';
import type { Gb26875Config } from './config';
import { FRAME_OVERHEAD, FrameReader, type Frame, type ReadRefusal } from './frame';

/** The frame reader's own verdicts in the words the sources view uses. */
function readerCode(code: ReadRefusal): RefusalCode {
  return code === 'too-long' ? 'too_large' : code === 'incomplete' ? 'cut_off' : 'malformed';
}

export interface Conn {
  socket: Socket;
  host: string;
  reader: FrameReader;
  busy: boolean;
  paused: boolean;
  closed: boolean;
  partialTimer?: NodeJS.Timeout;
}

/** Wraps a callback so that what it throws is counted and logged, never thrown into Node's event loop. */
export function guarded(sourceId: string, counts: { errors: number }, log: SourceLog) {
  return <A extends unknown[]>(what: string, fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (err) {
        counts.errors++;
        log.error(`gb26875 ${what} failed`, { source: sourceId, error: String(err) });
      }
    };
}

export interface ConnectionDeps {
  handleFrame(conn: Conn, frame: Frame, raw: Uint8Array): Promise<void>;
  refuse(code: RefusalCode, reason: string, raw: Uint8Array, conn?: Conn): void;
  /** Whether the source takes connections (it is not stopped). */
  accepting(): boolean;
  /** A connection closed: whatever held it lets it go. */
  closed(conn: Conn): void;
  counts: { errors: number };
  log: SourceLog;
}

export interface Connections {
  onConnection(socket: Socket): void;
  readonly size: number;
  closeAll(): void;
}

/** Writes a frame to a connection that is still open; false when there is none. */
export function send(conn: Conn | undefined, frame: Buffer, log: SourceLog, sourceId: string): boolean {
  if (!conn || conn.closed || conn.socket.destroyed || !conn.socket.writable) return false;
  conn.socket.write(frame, (err) => {
    if (err) log.warn('gb26875 write failed', { source: sourceId, error: String(err) });
  });
  return true;
}

export function createConnections(config: Gb26875Config, deps: ConnectionDeps): Connections {
  const { handleFrame, refuse, counts, log } = deps;
  const safe = guarded(config.id, counts, log);
  const maxFrame = FRAME_OVERHEAD + config.maxAppData;
  const highWater = 2 * maxFrame + 16_384;
  const conns = new Set<Conn>();
  const perHost = new Map<string, number>();

  function armPartial(conn: Conn): void {
    if (conn.partialTimer) clearTimeout(conn.partialTimer);
    conn.partialTimer = undefined;
    if (conn.closed || conn.busy || conn.reader.buffered === 0) return;
    conn.partialTimer = setTimeout(
      safe('partial frame timeout', () => {
        conn.partialTimer = undefined;
        const item = conn.reader.abandon();
        if (item?.kind === 'refused') refuse(readerCode(item.code), item.reason, item.raw, conn);
        pump(conn);
      }),
      config.partialFrameMs,
    );
    conn.partialTimer.unref();
  }

  function pump(conn: Conn): void {
    if (conn.busy || conn.closed) return;
    let progressed = false;
    for (;;) {
      const item = conn.reader.next();
      if (!item) break;
      progressed = true;
      if (item.kind === 'refused') {
        refuse(readerCode(item.code), item.reason, item.raw, conn);
        continue;
      }
      conn.busy = true;
      if (conn.partialTimer) clearTimeout(conn.partialTimer);
      handleFrame(conn, item.frame, item.raw)
        .catch((err: unknown) => {
          counts.errors++;
          log.error('gb26875 frame handling failed', { source: config.id, error: String(err) });
        })
        .finally(() => {
          conn.busy = false;
          pump(conn);
        });
      return;
    }
    if (conn.paused && conn.reader.buffered < highWater / 2) {
      conn.paused = false;
      conn.socket.resume();
    }
    if (progressed || !conn.partialTimer) armPartial(conn);
  }

  function onConnection(socket: Socket): void {
    const host = socket.remoteAddress ?? 'unknown';
    socket.on('error', (err) =>
      log.warn('gb26875 connection error', { source: config.id, host, error: String(err) }),
    );
    const sameHost = perHost.get(host) ?? 0;
    if (
      !deps.accepting() ||
      conns.size >= config.maxConnections ||
      sameHost >= config.maxConnectionsPerHost
    ) {
      const reason =
        conns.size >= config.maxConnections
          ? `connection from ${host} refused: ${config.maxConnections} connections open`
          : `connection from ${host} refused: ${config.maxConnectionsPerHost} open from that host`;
      refuse('over_capacity', reason, new Uint8Array(0));
      socket.destroy();
      return;
    }
    const conn: Conn = {
      socket,
      host,
      reader: new FrameReader({ maxAppData: config.maxAppData }),
      busy: false,
      paused: false,
      closed: false,
    };
    conns.add(conn);
    perHost.set(host, sameHost + 1);
    socket.setNoDelay(true);
    socket.setTimeout(config.idleTimeoutSec * 1000, () => {
      log.info('gb26875 idle connection closed', { source: config.id, host });
      socket.destroy();
    });
    socket.on(
      'data',
      safe('read', (chunk: Buffer) => {
        if (conn.closed) return;
        conn.reader.push(chunk);
        if (!conn.paused && conn.reader.buffered > highWater) {
          conn.paused = true;
          socket.pause();
        }
        pump(conn);
      }),
    );
    socket.on(
      'close',
      safe('close', () => {
        conn.closed = true;
        if (conn.partialTimer) clearTimeout(conn.partialTimer);
        if (conn.reader.buffered > 0) {
          refuse(
            'cut_off',
            `connection closed with ${conn.reader.buffered} bytes of an unfinished frame`,
            new Uint8Array(0),
            conn,
          );
        }
        conns.delete(conn);
        const n = (perHost.get(host) ?? 1) - 1;
        if (n <= 0) perHost.delete(host);
        else perHost.set(host, n);
        deps.closed(conn);
      }),
    );
  }

  return {
    onConnection,
    get size() {
      return conns.size;
    },
    closeAll() {
      for (const conn of conns) {
        conn.closed = true;
        if (conn.partialTimer) clearTimeout(conn.partialTimer);
        conn.socket.destroy();
      }
    },
  };
}
