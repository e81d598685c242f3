/**
 * The GB/T 26875.3 source: a TCP server the building's 用户信息传输装置 dial into.
 *
 * Each connection reads frames one at a time. 发送数据 becomes reports that are committed to the hub's log, and
 * only then answered with 确认 (same 业务流水号, the transmitter's own time format and checksum variant); a commit
 * that fails or hangs past its timeout gets no answer, so the transmitter sends the frame again and its reports
 * come again with the same keys. A bad checksum is answered with 否认 (or dropped, per config). Every
 * transmitter is supervised: silence past its interval is a communication fault, the next good frame ends it.
 * The centre can send 校时 (90) and 查岗 (91) as 控制命令; an unanswered 查岗 is a fault of the duty post.
 *
 * The TCP side is connection.ts, the transmitters' state transmitters.ts, the centre's commands and supervision
 * control.ts; this file answers each frame.
 */
import { createServer, type Server } from 'node:net';
import type { RefusalCode, SourceProblem } from '../../../../shared/contract';
import { problemOf, RefusedLog, sourceStatus } from '../source';
import { worded, type Source, type SourceContext, type SourceReport, type SourceStatus } from '../source';
import { decodeAppData } from './app-data';
import { Gb26875Config, type Gb26875ConfigInput } from './config';
import { createConnections, guarded, send, type Conn } from './connection';
import { createControl, type ControlOutcome } from './control';
import {
  addressToString,
  checksumVerdict,
  COMMAND,
  decodeTime,
  encodeFrame,
  encodeTime,
  toHex,
  type Frame,
} from './frame';
import { mapAppData, transmitterDevice, type Mapped } from './mapping';
import { COMMAND_NAMES } from './tables';
import { backReport, dutyDevice, timeFormatFor, Transmitters, type Tx } from './transmitters';

export type { ControlOutcome } from './control';

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
/** A transmitter's `alive` goes to the log at most this often: the hub's last-seen, without a row per heartbeat. */
const ALIVE_EVERY_MS = 60_000;

export function createGb26875Source(
  input: Gb26875ConfigInput,
  ctx: SourceContext,
  options: Gb26875Options = {},
): Gb26875Source {
  const config = Gb26875Config.parse(input);
  const tickMs = options.tickMs ?? 1000;

  let server: Server | undefined;
  let tick: NodeJS.Timeout | undefined;
  let state: SourceStatus['state'] = 'stopped';
  let endpoint: string | undefined;
  let error: string | undefined;
  let problem: SourceProblem | undefined;
  let lastMessageAt: number | undefined;
  const counts = { received: 0, committed: 0, refused: 0, errors: 0 };
  const refused = new RefusedLog(LAST_REFUSED);
  const transmitters = new Transmitters(config);
  const safe = guarded(config.id, counts, ctx.log);

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
    send(conn, frame, ctx.log, config.id);
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

  const control = createControl(config, { transmitters, commitAll, counts, log: ctx.log, now: ctx.now });
  const connections = createConnections(config, {
    handleFrame,
    refuse,
    accepting: () => state !== 'stopped',
    closed: (conn) => {
      for (const tx of transmitters.values()) if (tx.conn === conn) tx.conn = undefined;
    },
    counts,
    log: ctx.log,
  });

  async function handleFrame(conn: Conn, frame: Frame, raw: Uint8Array): Promise<void> {
    counts.received++;
    lastMessageAt = ctx.now();
    const address = addressToString(frame.source);
    const tx = transmitters.for(address);
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
    tx.timeFormat = timeFormatFor(tx, frame.time, ctx.now());
    tx.version = frame.version;
    tx.centreAddress = frame.destination;
    tx.conn = conn;
    tx.lastSeen = ctx.now();

    if (frame.command === COMMAND.data || frame.command === COMMAND.response) {
      await handleData(conn, tx, frame, raw);
      return;
    }
    if (tx.faultSince !== undefined) {
      if (await commitAll([backReport(config.id, tx, ctx.now())])) tx.faultSince = undefined;
    }
    if (frame.command === COMMAND.confirm || frame.command === COMMAND.deny) {
      control.settle(address, frame.serial, frame.command === COMMAND.confirm ? 'confirmed' : 'denied');
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
    if (back) reports.unshift(backReport(config.id, tx, ctx.now()));
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
        device: dutyDevice(config.id, tx),
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
    control.checkClock(
      tx,
      mapped.transmitterTime ?? decodeTime(frame.time, tx.timeFormat, tx.profile.utcOffsetMin),
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
        const tx = transmitters.for(t.address);
        if (tx) tx.lastSeen ??= now;
      }
      const srv = createServer({ pauseOnConnect: false }, safe('accept', connections.onConnection));
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
          control
            .supervise()
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
      control.cancelAll();
      connections.closeAll();
      if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
    },

    status(): SourceStatus {
      const faulted = [...transmitters.values()].some((t) => t.faultSince !== undefined || t.dutyFault);
      const shown: SourceStatus['state'] =
        state === 'listening'
          ? faulted
            ? 'degraded'
            : connections.size > 0
              ? 'connected'
              : 'listening'
          : state;
      return sourceStatus({
        id: config.id,
        kind: 'gb26875',
        state: shown,
        endpoint,
        peers: connections.size,
        lastMessageAt,
        counts,
        refused,
        error,
        problem,
      });
    },

    syncTime(address) {
      const tx = transmitters.get(String(Number(address)));
      if (!tx) return Promise.resolve('offline');
      return control.syncTime(tx);
    },

    inspect(address, timeoutMin) {
      const tx = transmitters.get(String(Number(address)));
      if (!tx) return Promise.resolve('offline');
      return control.inspect(tx, timeoutMin ?? tx.profile.inspectTimeoutMin);
    },
  };
}
