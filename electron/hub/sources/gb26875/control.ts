/**
 * What the centre sends a GB/T 26875.3 transmitter, and what it watches: 校时 (90) and 查岗 (91) as 控制命令,
 * each settled by the transmitter's 确认 or 否认 (or a timeout); a clock off by more than the profile allows gets
 * a 校时 at most hourly; silence past the supervision interval is a communication fault, an unanswered 查岗 a
 * fault of the duty post, and a profile's `inspectEveryMin` schedules 查岗.
 */
import { worded, type SourceLog, type SourceReport } from '../source';
import { encodeInspect, encodeSyncTime } from './app-data';
import type { Gb26875Config } from './config';
import { send } from './connection';
import { addressFromString, COMMAND, encodeFrame, encodeTime } from './frame';
import { transmitterDevice } from './mapping';
import { backReport, dutyDevice, type Transmitters, type Tx } from './transmitters';

export type ControlOutcome = 'confirmed' | 'denied' | 'timeout' | 'offline';

const TIME_SYNC_EVERY_MS = 3_600_000;

export interface ControlDeps {
  transmitters: Transmitters;
  /** Commits in order; false at the first that fails or outlives the commit timeout. */
  commitAll(reports: SourceReport[]): Promise<boolean>;
  counts: { errors: number };
  log: SourceLog;
  now(): number;
}

export interface Control {
  /** 校时: sets the transmitter's clock to the hub's. */
  syncTime(tx: Tx): Promise<ControlOutcome>;
  /** 查岗: asks the person on duty to press 查岗应答 within `timeoutMin`. */
  inspect(tx: Tx, timeoutMin: number): Promise<ControlOutcome>;
  /** A 校时 when the transmitter's clock is off by more than its profile allows. */
  checkClock(tx: Tx, theirs: number | undefined): void;
  /** The transmitter's 确认 or 否认 of a command the centre sent. */
  settle(address: string, serial: number, outcome: ControlOutcome): void;
  /** Every command still waiting is answered `offline` (the source stops). */
  cancelAll(): void;
  supervise(): Promise<void>;
}

export function createControl(config: Gb26875Config, deps: ControlDeps): Control {
  const { transmitters, commitAll, counts, log } = deps;
  const pending = new Map<string, { resolve: (o: ControlOutcome) => void; timer: NodeJS.Timeout }>();
  const centreAddress = addressFromString(config.address);

  function checkClock(tx: Tx, theirs: number | undefined): void {
    const limit = tx.profile.timeSyncSkewSec;
    if (limit === undefined || theirs === undefined) return;
    const now = deps.now();
    if (Math.abs(theirs - now) <= limit * 1000) return;
    if (tx.lastTimeSync !== undefined && now - tx.lastTimeSync < TIME_SYNC_EVERY_MS) return;
    tx.lastTimeSync = now;
    log.info('gb26875 transmitter clock is off: 校时', {
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
        time: encodeTime(deps.now(), tx.timeFormat, tx.profile.utcOffsetMin),
        source: tx.centreAddress ?? centreAddress,
        destination: addressFromString(tx.profile.address),
        command: COMMAND.control,
        appData,
      },
      tx.checksum,
    );
    if (!send(tx.conn, frame, log, config.id)) return Promise.resolve('offline');
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
    const sentAt = deps.now();
    const outcome = await control(tx, encodeInspect(timeoutMin));
    if (outcome === 'confirmed') {
      tx.inspection = { sentAt, deadline: sentAt + timeoutMin * 60_000, answered: false };
    }
    return outcome;
  }

  async function supervise(): Promise<void> {
    const now = deps.now();
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
          if (tx.lastSeen !== since && (await commitAll([backReport(config.id, tx, deps.now())])))
            tx.faultSince = undefined;
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
            device: dutyDevice(config.id, tx),
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

  return {
    syncTime(tx) {
      tx.lastTimeSync = deps.now();
      return control(tx, encodeSyncTime(encodeTime(deps.now(), tx.timeFormat, tx.profile.utcOffsetMin)));
    },
    inspect,
    checkClock,
    settle(address, serial, outcome) {
      const key = `${address}:${serial}`;
      const waiting = pending.get(key);
      if (!waiting) return;
      pending.delete(key);
      clearTimeout(waiting.timer);
      waiting.resolve(outcome);
    },
    cancelAll() {
      for (const [key, p] of pending) {
        clearTimeout(p.timer);
        p.resolve('offline');
        pending.delete(key);
      }
    },
    supervise,
  };
}
