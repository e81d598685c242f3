/**
 * The GB/T 26875.3 source: a TCP server the building's 用户信息传输装置 dial into.
 *
 * Each connection reads frames one at a time. 发送数据 becomes reports that are committed to the hub's log, and
 * only then answered with 确认 (same 业务流水号, the transmitter's own time format and checksum variant); a commit
 * that fails or hangs past its timeout gets no answer, so the transmitter sends the frame again and its reports
 * come again with the same keys. A bad checksum is answered with 否认 (or dropped, per config). Every
 * transmitter is supervised: silence past its interval is a communication fault, the next good frame ends it.
 * The centre can send 校时 (90) and 查岗 (91) as 控制命令; an unanswered 查岗 is a fault of the duty post.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { RefusalCode, SourceProblem } from '../../../../shared/contract';
import { problemOf, RefusedLog } from '../source';
import { worded, type Source, type SourceContext, type SourceReport, type SourceStatus } from '../source';
import { decodeAppData, encodeInspect, encodeSyncTime } from './app-data';
import { Gb26875Config, resolveProfile, type Gb26875ConfigInput, type ResolvedProfile } from './config';
import {
  addressFromString,
  addressToString,
  checksumVerdict,
  COMMAND,
  COMMAND_NAMES,
  decodeTime,
  encodeFrame,
  encodeTime,
  FRAME_OVERHEAD,
  FrameReader,
  toHex,
  type ChecksumStart,
  type Frame,
  type ReadRefusal,
  type TimeFormat,
} from './frame';
import { mapAppData, StateMemory, transmitterDevice, transmitterDeviceId, type Mapped } from './mapping';

export type ControlOutcome = 'confirmed' | 'denied' | 'timeout' | 'offline';

export interface Gb26875Source extends Source {
  /** 校时: sets the transmitter's clock to the hub's. */
  syncTime(address: string): Promise<ControlOutcome>;
  /** 查岗: asks the person on duty to press 查岗应答 within `timeoutMin` (the profile's by default). */
  inspect(address: string, timeoutMin?: number): Promise<ControlOutcome>;
}

export interface Gb26875Options {
  /** How often supervision and scheduled 查岗 are checked (against `ctx.now()`); default 1000 ms. */
  tickMs?: number;
}

const LAST_REFUSED = 16;
const RAW_BYTES_SHOWN = 128;
/** Transmitters without a profile the source keeps track of (a flood of made-up addresses stops here). */
const MAX_UNKNOWN_TRANSMITTERS = 64;
/** Components remembered per transmitter: a big site's panels, and far less for one nobody configured. */
const MEMORY_KNOWN = 20_000;
const MEMORY_UNKNOWN = 2_000;
const TIME_SYNC_EVERY_MS = 3_600_000;
/** A transmitter's `alive` goes to the log at most this often: the hub's last-seen, without a row per heartbeat. */
const ALIVE_EVERY_MS = 60_000;

/** The frame reader's own verdicts in the words the sources view uses. */
function readerCode(code: ReadRefusal): RefusalCode {
  return code === 'too-long' ? 'too_large' : code === 'incomplete' ? 'cut_off' : 'malformed';
}

interface Conn {
  socket: Socket;
  host: string;
  reader: FrameReader;
  busy: boolean;
  paused: boolean;
  closed: boolean;
  partialTimer?: NodeJS.Timeout;
}

interface Tx {
  profile: ResolvedProfile;
  memory: StateMemory;
  conn?: Conn;
  /** Undefined until the first frame for a transmitter without a profile (it is not supervised before). */
  lastSeen?: number;
  /** Set while a communication fault is in the log: the `lastSeen` it was raised for. */
  faultSince?: number;
  reporting: boolean;
  centreAddress?: Uint8Array;
  version: { major: number; minor: number };
  checksum: ChecksumStart;
  timeFormat: TimeFormat;
  nextSerial: number;
  lastTimeSync?: number;
  nextInspectAt?: number;
  inspection?: { sentAt: number; deadline: number; answered: boolean };
  /** The key of the open duty-post fault (an unanswered 查岗), until an answer restores it. */
  dutyFault?: string;
  /** When an `alive` of the transmitter was last committed (the hub's last-seen of it). */
  lastAliveAt?: number;
}

export function createGb26875Source(
  input: Gb26875ConfigInput,
  ctx: SourceContext,
  options: Gb26875Options = {},
): Gb26875Source {
  const config = Gb26875Config.parse(input);
  const tickMs = options.tickMs ?? 1000;
  const maxFrame = FRAME_OVERHEAD + config.maxAppData;
  const highWater = 2 * maxFrame + 16_384;

  let server: Server | undefined;
  let tick: NodeJS.Timeout | undefined;
  let state: SourceStatus['state'] = 'stopped';
  let endpoint: string | undefined;
  let error: string | undefined;
  let problem: SourceProblem | undefined;
  let lastMessageAt: number | undefined;
  const counts = { received: 0, committed: 0, refused: 0, errors: 0 };
  const refused = new RefusedLog(LAST_REFUSED);
  const conns = new Set<Conn>();
  const perHost = new Map<string, number>();
  const transmitters = new Map<string, Tx>();
  const pending = new Map<string, { resolve: (o: ControlOutcome) => void; timer: NodeJS.Timeout }>();
  const centreAddress = addressFromString(config.address);

  const safe =
    <A extends unknown[]>(what: string, fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (err) {
        counts.errors++;
        ctx.log.error(`gb26875 ${what} failed`, { source: config.id, error: String(err) });
      }
    };

  function refuse(code: RefusalCode, reason: string, raw: Uint8Array, conn?: Conn, count = true): void {
    if (count) counts.refused++;
    refused.add({
      at: ctx.now(),
      code,
      reason,
      raw: toHex(raw, RAW_BYTES_SHOWN),
      ...(conn ? { peer: conn.host } : {}),
    });
    ctx.log.warn('gb26875 frame refused', { source: config.id, reason, from: conn?.host });
  }

  function txFor(address: string): Tx | undefined {
    const known = transmitters.get(address);
    if (known) return known;
    const profile = resolveProfile(config, address);
    if (!profile) return undefined;
    const unknown = [...transmitters.values()].filter((t) => !t.profile.known).length;
    if (unknown >= MAX_UNKNOWN_TRANSMITTERS) return undefined;
    const tx: Tx = {
      profile,
      memory: new StateMemory(profile.known ? MEMORY_KNOWN : MEMORY_UNKNOWN),
      reporting: false,
      version: { major: 1, minor: 1 },
      checksum: profile.checksum === 'command' ? 'command' : 'serial',
      timeFormat: profile.time === 'bcd' ? 'bcd' : 'binary',
      nextSerial: 1,
    };
    transmitters.set(address, tx);
    return tx;
  }

  /** The transmitter's time format for a tag: `auto` takes the reading that is a date nearest the hub's clock. */
  function timeFormatFor(tx: Tx, time: Uint8Array): TimeFormat {
    if (tx.profile.time !== 'auto') return tx.profile.time;
    const now = ctx.now();
    const readings = (['binary', 'bcd'] as const)
      .map((f) => ({ f, t: decodeTime(time, f, tx.profile.utcOffsetMin) }))
      .filter((r): r is { f: TimeFormat; t: number } => r.t !== undefined)
      .sort((a, b) => Math.abs(a.t - now) - Math.abs(b.t - now));
    return readings[0]?.f ?? tx.timeFormat;
  }

  function send(conn: Conn | undefined, frame: Buffer): boolean {
    if (!conn || conn.closed || conn.socket.destroyed || !conn.socket.writable) return false;
    conn.socket.write(frame, (err) => {
      if (err) ctx.log.warn('gb26875 write failed', { source: config.id, error: String(err) });
    });
    return true;
  }

  function reply(conn: Conn, tx: Tx, to: Frame, command: number): void {
    const frame = encodeFrame(
      {
        serial: to.serial,
        version: to.version,
        time: encodeTime(ctx.now(), tx.timeFormat, tx.profile.utcOffsetMin),
        source: to.destination,
        destination: to.source,
        command,
      },
      tx.checksum,
    );
    send(conn, frame);
  }

  /** Commits in order; false at the first that fails or outlives the commit timeout. */
  async function commitAll(reports: SourceReport[]): Promise<boolean> {
    for (const r of reports) {
      let timer: NodeJS.Timeout | undefined;
      const ok = await new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), config.commitTimeoutMs);
        try {
          ctx.sink.commit(r).then(
            () => resolve(true),
            () => resolve(false),
          );
        } catch {
          resolve(false);
        }
      });
      clearTimeout(timer);
      if (!ok) return false;
    }
    counts.committed += reports.length;
    return true;
  }

  function backReport(tx: Tx): SourceReport {
    return {
      key: `gb26875:${config.id}:${tx.profile.address}:back:${tx.faultSince}`,
      device: transmitterDevice({ sourceId: config.id, profile: tx.profile }),
      kind: 'state',
      state: 'ok',
      at: ctx.now(),
      ...worded('通信恢复', 'communication restored'),
      origin: { transmitter: tx.profile.address, reason: 'frame received' },
    };
  }

  function dutyDevice(tx: Tx): SourceReport['device'] {
    return {
      id: `${transmitterDeviceId(config.id, tx.profile.address)}:duty`,
      kind: 'fire_transmitter',
      label: '消防控制室值班',
    };
  }

  async function handleFrame(conn: Conn, frame: Frame, raw: Uint8Array): Promise<void> {
    counts.received++;
    lastMessageAt = ctx.now();
    const address = addressToString(frame.source);
    const tx = txFor(address);
    if (!tx) {
      refuse(
        config.acceptUnknown ? 'over_capacity' : 'unknown_sender',
        config.acceptUnknown
          ? `transmitter ${address}: too many transmitters without a profile`
          : `transmitter ${address} has no profile (acceptUnknown is off)`,
        raw,
        conn,
      );
      return;
    }
    const verdict = checksumVerdict(frame, tx.profile.checksum);
    if (!verdict.ok) {
      refuse('checksum', `transmitter ${address}: ${verdict.reason}`, raw, conn);
      if (frame.command === COMMAND.data && config.badChecksum === 'deny')
        reply(conn, tx, frame, COMMAND.deny);
      return;
    }
    tx.checksum = verdict.start;
    tx.timeFormat = timeFormatFor(tx, frame.time);
    tx.version = frame.version;
    tx.centreAddress = frame.destination;
    tx.conn = conn;
    tx.lastSeen = ctx.now();

    if (frame.command === COMMAND.data || frame.command === COMMAND.response) {
      await handleData(conn, tx, frame, raw);
      return;
    }
    if (tx.faultSince !== undefined) {
      if (await commitAll([backReport(tx)])) tx.faultSince = undefined;
    }
    if (frame.command === COMMAND.confirm || frame.command === COMMAND.deny) {
      const key = `${address}:${frame.serial}`;
      const waiting = pending.get(key);
      if (waiting) {
        pending.delete(key);
        clearTimeout(waiting.timer);
        waiting.resolve(frame.command === COMMAND.confirm ? 'confirmed' : 'denied');
      }
      return;
    }
    const name = COMMAND_NAMES[frame.command];
    refuse(
      'malformed',
      name
        ? `transmitter ${address} sent ${name.zh} (${name.en}), which only the centre sends`
        : `transmitter ${address} sent command ${frame.command}, not one of the standard's`,
      raw,
      conn,
    );
    if (frame.command === COMMAND.control || frame.command === COMMAND.request) {
      reply(conn, tx, frame, COMMAND.deny);
    }
  }

  async function handleData(conn: Conn, tx: Tx, frame: Frame, raw: Uint8Array): Promise<void> {
    const adu = decodeAppData(frame.appData);
    if (adu?.problem) refuse('malformed', `partly read (answered): ${adu.problem}`, raw, conn, false);
    const staging = tx.memory.stage();
    const mapped: Mapped = adu
      ? mapAppData(
          adu,
          {
            sourceId: config.id,
            profile: tx.profile,
            serial: frame.serial,
            receivedAt: ctx.now(),
            readTime: (bytes) => decodeTime(bytes, tx.timeFormat, tx.profile.utcOffsetMin),
          },
          staging,
        )
      : { reports: [], inspectionAnswered: false };
    const reports = [...mapped.reports];
    const back = tx.faultSince !== undefined;
    if (back) reports.unshift(backReport(tx));
    const now = ctx.now();
    const alive = tx.lastAliveAt === undefined || now - tx.lastAliveAt >= ALIVE_EVERY_MS;
    if (alive) {
      reports.unshift({
        // Stable across a resend of this frame: lastAliveAt moves only once the report is committed.
        key: `gb26875:${config.id}:${tx.profile.address}:alive:${frame.serial}:${tx.lastAliveAt ?? 0}`,
        device: transmitterDevice({ sourceId: config.id, profile: tx.profile }),
        kind: 'alive',
        at: now,
        origin: { transmitter: tx.profile.address, serial: frame.serial },
      });
    }
    const dutyFault = mapped.inspectionAnswered ? tx.dutyFault : undefined;
    if (dutyFault !== undefined) {
      reports.push({
        key: `${dutyFault}:answered`,
        device: dutyDevice(tx),
        kind: 'restore',
        type: 'fire_facility_fault',
        at: ctx.now(),
        ...worded('查岗已应答', 'inspection answered'),
        origin: { transmitter: tx.profile.address, reason: 'inspection answered' },
      });
    }
    if (!(await commitAll(reports))) {
      counts.errors++;
      ctx.log.warn('gb26875 commit failed: no 确认, the transmitter will send again', {
        source: config.id,
        transmitter: tx.profile.address,
        serial: frame.serial,
      });
      return;
    }
    staging.keep();
    if (back) tx.faultSince = undefined;
    if (alive) tx.lastAliveAt = now;
    if (mapped.inspectionAnswered) {
      if (tx.inspection) tx.inspection.answered = true;
      if (tx.dutyFault === dutyFault) tx.dutyFault = undefined;
    }
    if (frame.command === COMMAND.data) reply(conn, tx, frame, COMMAND.confirm);
    checkClock(tx, mapped.transmitterTime ?? decodeTime(frame.time, tx.timeFormat, tx.profile.utcOffsetMin));
  }

  function checkClock(tx: Tx, theirs: number | undefined): void {
    const limit = tx.profile.timeSyncSkewSec;
    if (limit === undefined || theirs === undefined) return;
    const now = ctx.now();
    if (Math.abs(theirs - now) <= limit * 1000) return;
    if (tx.lastTimeSync !== undefined && now - tx.lastTimeSync < TIME_SYNC_EVERY_MS) return;
    tx.lastTimeSync = now;
    ctx.log.info('gb26875 transmitter clock is off: 校时', {
      source: config.id,
      transmitter: tx.profile.address,
      skewSec: Math.round((theirs - now) / 1000),
    });
    void control(tx, encodeSyncTime(encodeTime(now, tx.timeFormat, tx.profile.utcOffsetMin)));
  }

  function control(tx: Tx, appData: Uint8Array): Promise<ControlOutcome> {
    const serial = tx.nextSerial;
    tx.nextSerial = (tx.nextSerial + 1) & 0xffff || 1;
    const frame = encodeFrame(
      {
        serial,
        version: tx.version,
        time: encodeTime(ctx.now(), tx.timeFormat, tx.profile.utcOffsetMin),
        source: tx.centreAddress ?? centreAddress,
        destination: addressFromString(tx.profile.address),
        command: COMMAND.control,
        appData,
      },
      tx.checksum,
    );
    if (!send(tx.conn, frame)) return Promise.resolve('offline');
    const key = `${tx.profile.address}:${serial}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(key);
        resolve('timeout');
      }, config.controlTimeoutSec * 1000);
      timer.unref();
      pending.set(key, { resolve, timer });
    });
  }

  async function inspect(tx: Tx, timeoutMin: number): Promise<ControlOutcome> {
    const sentAt = ctx.now();
    const outcome = await control(tx, encodeInspect(timeoutMin));
    if (outcome === 'confirmed') {
      tx.inspection = { sentAt, deadline: sentAt + timeoutMin * 60_000, answered: false };
    }
    return outcome;
  }

  async function supervise(): Promise<void> {
    const now = ctx.now();
    for (const tx of transmitters.values()) {
      if (tx.reporting) continue;
      const sup = tx.profile.supervisionSec;
      if (
        sup > 0 &&
        tx.lastSeen !== undefined &&
        tx.faultSince === undefined &&
        now - tx.lastSeen > sup * 1000
      ) {
        const since = tx.lastSeen;
        tx.reporting = true;
        const ok = await commitAll([
          {
            key: `gb26875:${config.id}:${tx.profile.address}:silent:${since}`,
            device: transmitterDevice({ sourceId: config.id, profile: tx.profile }),
            kind: 'state',
            state: 'fault',
            at: now,
            ...worded(
              `通信中断：${Math.round((now - since) / 1000)} 秒未收到数据`,
              `communication fail: no frame for ${Math.round((now - since) / 1000)} s`,
            ),
            origin: {
              transmitter: tx.profile.address,
              reason: 'silence',
              silentSec: Math.round((now - since) / 1000),
              supervisionSec: sup,
            },
          },
        ]);
        if (ok) {
          tx.faultSince = since;
          // A frame that came while the fault was being committed did not know of it: end the fault now.
          if (tx.lastSeen !== since && (await commitAll([backReport(tx)]))) tx.faultSince = undefined;
        } else counts.errors++;
        tx.reporting = false;
      }
      const insp = tx.inspection;
      if (insp && !insp.answered && now > insp.deadline && tx.dutyFault === undefined) {
        const key = `gb26875:${config.id}:${tx.profile.address}:inspection:${insp.sentAt}`;
        tx.reporting = true;
        const ok = await commitAll([
          {
            key: `${key}:unanswered`,
            device: dutyDevice(tx),
            kind: 'alarm',
            type: 'fire_facility_fault',
            at: now,
            ...worded('查岗未应答', 'inspection not answered'),
            origin: { transmitter: tx.profile.address, reason: 'inspection not answered' },
          },
        ]);
        tx.reporting = false;
        if (ok) {
          tx.dutyFault = key;
          tx.inspection = undefined;
        } else counts.errors++;
      }
      const every = tx.profile.inspectEveryMin;
      if (every !== undefined && tx.conn && !tx.conn.closed) {
        tx.nextInspectAt ??= now + every * 60_000;
        if (now >= tx.nextInspectAt) {
          tx.nextInspectAt = now + every * 60_000;
          void inspect(tx, tx.profile.inspectTimeoutMin);
        }
      }
    }
  }

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
          ctx.log.error('gb26875 frame handling failed', { source: config.id, error: String(err) });
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
      ctx.log.warn('gb26875 connection error', { source: config.id, host, error: String(err) }),
    );
    const sameHost = perHost.get(host) ?? 0;
    if (
      state === 'stopped' ||
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
      ctx.log.info('gb26875 idle connection closed', { source: config.id, host });
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
        for (const tx of transmitters.values()) if (tx.conn === conn) tx.conn = undefined;
      }),
    );
  }

  return {
    id: config.id,
    kind: 'gb26875',

    async start() {
      if (server) return;
      state = 'starting';
      error = undefined;
      const now = ctx.now();
      for (const t of config.transmitters) {
        const tx = txFor(t.address);
        if (tx) tx.lastSeen ??= now;
      }
      const srv = createServer({ pauseOnConnect: false }, safe('accept', onConnection));
      srv.on('error', (err) => {
        error = String(err);
        problem = problemOf(err);
        ctx.log.error('gb26875 server error', { source: config.id, error: error });
      });
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen(config.port, config.host, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        state = 'failed';
        error = String(err);
        problem = problemOf(err);
        throw err;
      }
      server = srv;
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      endpoint = `${config.host}:${port}`;
      state = 'listening';
      let running = false;
      tick = setInterval(
        safe('supervision', () => {
          if (running) return;
          running = true;
          supervise()
            .catch((err: unknown) => {
              counts.errors++;
              ctx.log.error('gb26875 supervision failed', { source: config.id, error: String(err) });
            })
            .finally(() => {
              running = false;
            });
        }),
        tickMs,
      );
      tick.unref();
      ctx.log.info('gb26875 listening', { source: config.id, endpoint });
    },

    async stop() {
      const srv = server;
      server = undefined;
      state = 'stopped';
      if (tick) clearInterval(tick);
      tick = undefined;
      for (const [key, p] of pending) {
        clearTimeout(p.timer);
        p.resolve('offline');
        pending.delete(key);
      }
      for (const conn of conns) {
        conn.closed = true;
        if (conn.partialTimer) clearTimeout(conn.partialTimer);
        conn.socket.destroy();
      }
      if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
    },

    status(): SourceStatus {
      const faulted = [...transmitters.values()].some((t) => t.faultSince !== undefined || t.dutyFault);
      const shown: SourceStatus['state'] =
        state === 'listening' ? (faulted ? 'degraded' : conns.size > 0 ? 'connected' : 'listening') : state;
      return {
        id: config.id,
        kind: 'gb26875',
        state: shown,
        ...(endpoint !== undefined ? { endpoint } : {}),
        peers: conns.size,
        ...(lastMessageAt !== undefined ? { lastMessageAt } : {}),
        counts: { ...counts },
        lastRefused: refused.list(),
        ...(error !== undefined ? { error, problem: problem ?? 'other' } : {}),
      };
    },

    syncTime(address) {
      const tx = transmitters.get(String(Number(address)));
      if (!tx) return Promise.resolve('offline');
      tx.lastTimeSync = ctx.now();
      return control(tx, encodeSyncTime(encodeTime(ctx.now(), tx.timeFormat, tx.profile.utcOffsetMin)));
    },

    inspect(address, timeoutMin) {
      const tx = transmitters.get(String(Number(address)));
      if (!tx) return Promise.resolve('offline');
      return inspect(tx, timeoutMin ?? tx.profile.inspectTimeoutMin);
    },
  };
}
