import type { Socket } from 'socket.io';
import {
  HUB_MAX_BATCH_BYTES,
  HUB_MAX_BATCH_EVENTS,
  HUB_MESSAGES,
  HubEventAck,
  HubEventBatchAck,
  type HubEvent,
} from '../../shared/contract';
import type { Logger } from '../common/log';
import type { ConsoleSocketData } from './console-socket';
import type { LogRow } from './server';

/** What the ordered stream needs of the hub: how long an ack may take, where acks go, how to pump again. */
export interface BatchLane {
  ackTimeoutMs: number;
  /** Events in flight per console at most (the pump's window). */
  window: number;
  log: Logger;
  /** The console has moved past `seq` (the AckLedger). */
  record(consoleId: string, seq: number): void;
  pump(socket: Socket): void;
}

/**
 * (version 5) The ordered stream's rows as `events` messages: one socket.io message, one JSON parse and one ack for
 * up to HUB_MAX_BATCH_EVENTS events instead of one each, which is what a console's flood cost. More than one event
 * only under HUB_MAX_BATCH_BYTES, so a message too big for the console to read is always a single event, the one it
 * then sets aside (docs/hub-protocol.md §5.1). The window still counts events, and a batch is at most half of it:
 * with two in flight the console commits one while the next is on its way, instead of waiting a round trip (the ack,
 * the hub's read of its log, the next message) after each.
 */
export function sendBatches(
  lane: BatchLane,
  socket: Socket,
  data: ConsoleSocketData,
  rows: readonly LogRow[],
): void {
  const most = Math.max(1, Math.min(HUB_MAX_BATCH_EVENTS, Math.floor(lane.window / 2)));
  let batch: HubEvent[] = [];
  let bytes = 0;
  for (const row of rows) {
    // Its JSON plus room for the envelope (seq, at, kind).
    const size = Buffer.byteLength(row.body) + 96;
    if (batch.length >= most || (batch.length > 0 && bytes + size > HUB_MAX_BATCH_BYTES)) {
      sendBatch(lane, socket, data, batch);
      batch = [];
      bytes = 0;
    }
    batch.push({ seq: row.seq, at: row.at, kind: row.kind, data: JSON.parse(row.body) } as HubEvent);
    bytes += size;
    data.cursor = row.seq;
  }
  if (batch.length > 0) sendBatch(lane, socket, data, batch);
}

function sendBatch(lane: BatchLane, socket: Socket, data: ConsoleSocketData, batch: HubEvent[]): void {
  const first = batch[0]!.seq;
  const last = batch.at(-1)!.seq;
  data.inFlight += batch.length;
  socket
    .timeout(lane.ackTimeoutMs)
    .emitWithAck(HUB_MESSAGES.events, batch)
    .then(
      (reply) => recordBatchAck(lane, data.consoleId, reply),
      () => {
        // Carry on: if the console missed something it sees the gap and asks for a replay.
        if (socket.connected)
          lane.log.warn('console did not acknowledge events in time', {
            consoleId: data.consoleId,
            first,
            last,
          });
      },
    )
    .catch((err: Error) => lane.log.warn('recording an ack failed', { error: err.message }))
    .finally(() => {
      data.inFlight -= batch.length;
      if (socket.connected) lane.pump(socket);
    });
}

function recordBatchAck(lane: BatchLane, consoleId: string, reply: unknown): void {
  const ack = HubEventBatchAck.safeParse(reply);
  if (!ack.success || !('seq' in ack.data)) return;
  // Delivered all the same: the console keeps them as dead letters and has moved past them.
  for (const r of ack.data.refused ?? [])
    lane.log.warn('a console refused an event', { consoleId, seq: r.seq, error: r.error });
  lane.record(consoleId, ack.data.seq);
}

/**
 * (versions 3 and 4) The ordered stream's rows one `event` message each, each acknowledged on its own: what a
 * console before version 5 reads.
 */
export function sendEach(
  lane: BatchLane,
  socket: Socket,
  data: ConsoleSocketData,
  rows: readonly LogRow[],
): void {
  for (const row of rows) {
    if (!socket.connected) return;
    const event = { seq: row.seq, at: row.at, kind: row.kind, data: JSON.parse(row.body) };
    data.inFlight++;
    data.cursor = row.seq;
    socket
      .timeout(lane.ackTimeoutMs)
      .emitWithAck(HUB_MESSAGES.event, event)
      .then(
        (reply) => recordAck(lane, data.consoleId, reply),
        () => {
          // Carry on: if the console missed something it sees the gap and asks for a replay.
          if (socket.connected)
            lane.log.warn('console did not acknowledge an event in time', {
              consoleId: data.consoleId,
              seq: row.seq,
            });
        },
      )
      .catch((err: Error) => lane.log.warn('recording an ack failed', { error: err.message }))
      .finally(() => {
        data.inFlight--;
        if (socket.connected) lane.pump(socket);
      });
  }
}

function recordAck(lane: BatchLane, consoleId: string, reply: unknown): void {
  const ack = HubEventAck.safeParse(reply);
  if (!ack.success || !('seq' in ack.data)) return;
  // Delivered all the same: the console keeps it as a dead letter and has moved past it.
  if (!ack.data.ok)
    lane.log.warn('a console refused an event', { consoleId, seq: ack.data.seq, error: ack.data.error });
  lane.record(consoleId, ack.data.seq);
}
