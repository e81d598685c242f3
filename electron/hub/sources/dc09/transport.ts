/**
 * The DC-09 receiver's wire: one TCP server and one UDP socket on the same port. It cuts frames out of the
 * bytes, answers junk, keeps TCP replies in the order the frames came and bounds what one connection or the UDP
 * socket may have in flight; what a frame means is the receiver's (`handleFrame`).
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { RefusalCode } from '../../../../shared/contract';
import type { SourceLog } from '../source';
import type { Dc09Config } from './config';
import { Dc09Framer, formatNak, type CrcForm, type FramerItem, type JunkCode } from './frame';

/** Frames waiting on one connection before it stops reading (a panel sends one and waits for its ACK). */
const MAX_QUEUED = 16;
const MAX_UDP_IN_FLIGHT = 256;

/** The receiver's answer to one frame: bytes to send back, or nothing. */
export type Reply = { bytes: Buffer } | { none: true };

export interface TransportDeps {
  /** Answers one frame; never throws. */
  handleFrame(raw: Buffer, transport: 'tcp' | 'udp', peer: string): Promise<Reply>;
  refuse(raw: Uint8Array, code: RefusalCode, reason: string, peer?: string): void;
  /** Whether a new connection is welcome (the receiver is listening). */
  accepting(): boolean;
  counts: { errors: number };
  log: SourceLog;
  now(): number;
}

export interface Dc09Transport {
  /** Binds TCP and UDP as the config says; resolves with the bound port. */
  bind(): Promise<number>;
  close(): Promise<void>;
  /** Open TCP connections and UDP peers heard from within the idle timeout. */
  peers(): number;
  /** Forgets UDP peers silent past the idle timeout. */
  prune(t: number): void;
}

export function createDc09Transport(config: Dc09Config, deps: TransportDeps): Dc09Transport {
  const { handleFrame, refuse, counts, log, now } = deps;
  const limits = config.limits;
  let server: Server | undefined;
  let udp: UdpSocket | undefined;
  let udpInFlight = 0;
  const sockets = new Set<Socket>();
  const udpPeers = new Map<string, number>();

  /** A whole LF … CR that is not a frame gets a NAK; stray bytes and cut frames get nothing. */
  function junkReply(item: { junk: Buffer; code: JunkCode }, form: CrcForm = 'hex'): Buffer | undefined {
    const whole = item.junk[0] === 0x0a && item.junk[item.junk.length - 1] === 0x0d;
    return whole || item.code === 'too_large' ? formatNak(now(), form) : undefined;
  }

  function onConnection(socket: Socket): void {
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') {
        counts.errors++;
        log.warn('dc09: connection error', { source: config.id, peer, err: err.message });
      }
    });
    if (!deps.accepting()) {
      socket.destroy();
      return;
    }
    if (sockets.size >= limits.maxConnections) {
      refuse(
        Buffer.alloc(0),
        'over_capacity',
        `too many connections (${limits.maxConnections}) — closed`,
        peer,
      );
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutSec * 1000, () => socket.destroy());
    const framer = new Dc09Framer(limits.maxFrameBytes);
    let chain: Promise<void> = Promise.resolve();
    let queued = 0;
    const send = (bytes: Buffer | undefined) => {
      if (bytes && !socket.destroyed && socket.writable) socket.write(bytes);
    };
    // Replies go out in the order the frames came, each after the work before it.
    const then = (work: () => void | Promise<void>) => {
      chain = chain.then(work).catch((err: unknown) => {
        counts.errors++;
        log.error('dc09: connection handling failed', { source: config.id, peer, err: String(err) });
      });
    };
    const take = (items: FramerItem[]) => {
      for (const item of items) {
        if ('junk' in item) {
          refuse(item.junk, item.code, item.reason, peer);
          const reply = junkReply(item);
          then(() => send(reply));
          continue;
        }
        queued++;
        if (queued >= MAX_QUEUED) socket.pause();
        then(async () => {
          try {
            const reply = await handleFrame(item.frame, 'tcp', peer);
            send('bytes' in reply ? reply.bytes : undefined);
          } finally {
            queued--;
            if (queued < MAX_QUEUED / 2 && socket.isPaused() && !socket.destroyed) socket.resume();
          }
        });
      }
    };
    socket.on('data', (chunk: Buffer) => take(framer.push(chunk)));
    socket.on('close', () => {
      sockets.delete(socket);
      for (const item of framer.end()) if ('junk' in item) refuse(item.junk, item.code, item.reason, peer);
    });
  }

  function onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    const peer = `${rinfo.address}:${rinfo.port}`;
    udpPeers.set(peer, now());
    if (udpInFlight >= MAX_UDP_IN_FLIGHT) {
      refuse(msg.subarray(0, 256), 'over_capacity', 'too many datagrams in flight — dropped', peer);
      return;
    }
    const framer = new Dc09Framer(limits.maxFrameBytes);
    const items = [...framer.push(msg), ...framer.end()];
    const send = (bytes: Buffer | undefined) => {
      if (!bytes || !udp) return;
      try {
        udp.send(bytes, rinfo.port, rinfo.address, (err) => {
          if (err) log.warn('dc09: UDP reply not sent', { source: config.id, peer, err: err.message });
        });
      } catch (err) {
        // The socket closed while the commit was running (stop): the panel will send it again.
        log.info('dc09: UDP reply dropped', { source: config.id, peer, err: String(err) });
      }
    };
    udpInFlight++;
    void (async () => {
      for (const item of items) {
        if ('junk' in item) {
          refuse(item.junk, item.code, item.reason, peer);
          send(junkReply(item));
        } else {
          const reply = await handleFrame(item.frame, 'udp', peer);
          send('bytes' in reply ? reply.bytes : undefined);
        }
      }
    })()
      .catch((err: unknown) => {
        counts.errors++;
        log.error('dc09: datagram handling failed', { source: config.id, err: String(err) });
      })
      .finally(() => udpInFlight--);
  }

  function listenTcp(p: number): Promise<Server> {
    return new Promise((resolve, reject) => {
      const s = createServer({ pauseOnConnect: false }, onConnection);
      s.once('error', reject);
      s.listen({ host: config.host, port: p }, () => {
        s.off('error', reject);
        s.on('error', (err) => {
          counts.errors++;
          log.error('dc09: TCP server error', { source: config.id, err: err.message });
        });
        resolve(s);
      });
    });
  }

  function bindUdp(p: number): Promise<UdpSocket> {
    return new Promise((resolve, reject) => {
      const s = createSocket({ type: config.host.includes(':') ? 'udp6' : 'udp4' });
      s.once('error', (err) => {
        s.close();
        reject(err);
      });
      s.bind({ address: config.host, port: p, exclusive: true }, () => {
        s.removeAllListeners('error');
        s.on('error', (err) => {
          counts.errors++;
          log.error('dc09: UDP socket error', { source: config.id, err: err.message });
        });
        s.on('message', onDatagram);
        resolve(s);
      });
    });
  }

  const closeServer = (s: Server | undefined) =>
    new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));

  return {
    async bind() {
      // Port 0: TCP picks a free port, UDP takes the same number; if that UDP port is taken, try another.
      for (let attempt = 0; ; attempt++) {
        const tcp = config.tcp ? await listenTcp(config.port) : undefined;
        const chosen = tcp ? (tcp.address() as AddressInfo).port : config.port;
        try {
          const u = config.udp ? await bindUdp(chosen) : undefined;
          server = tcp;
          udp = u;
          return u && !tcp ? u.address().port : chosen;
        } catch (err) {
          await closeServer(tcp);
          if (config.port !== 0 || !config.tcp || attempt >= 4) throw err;
        }
      }
    },

    async close() {
      for (const s of sockets) s.destroy();
      sockets.clear();
      await closeServer(server);
      server = undefined;
      if (udp) await new Promise<void>((resolve) => udp!.close(() => resolve()));
      udp = undefined;
    },

    peers: () => sockets.size + udpPeers.size,

    prune(t) {
      for (const [peer, at] of udpPeers) if (t - at > limits.idleTimeoutSec * 1000) udpPeers.delete(peer);
    },
  };
}
