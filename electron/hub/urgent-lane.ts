import type { Knex } from 'knex';
import type { Socket } from 'socket.io';
import { HUB_MESSAGES } from '../../shared/contract';
import type { Logger } from '../common/log';
import type { ConsoleSocketData } from './console-socket';

/** Urgent events in flight to one console at most: a burst of fires still comes ahead of the backlog, a few at a time. */
const URGENT_WINDOW = 16;

/** What the lane needs of the hub: its log, how long an ack may take, where to say it did not come. */
export interface UrgentLane {
  db: Knex;
  ackTimeoutMs: number;
  log: Logger;
  /** The highest urgent seq in the log (or above it): nothing above what the console has means no query. */
  urgentHead: number;
}

/**
 * (version 4) The urgent lane: urgent events above everything sent in order, ahead of the ordered stream and not
 * bound by its window (a few at a time of their own). Only while the console is behind: at the head, the next
 * ordered event is the urgent one anyway. Their ack never moves `acked_seq`: that is the ordered stream's.
 */
export async function sendUrgent(
  lane: UrgentLane,
  socket: Socket,
  data: ConsoleSocketData,
  window: number,
): Promise<void> {
  while (socket.connected && data.urgentInFlight < URGENT_WINDOW) {
    if (lane.urgentHead <= Math.max(data.cursor, data.urgentSent)) return;
    let sent = 0;
    const rows = (await lane
      .db('hub_log')
      .where('urgent', 1)
      .andWhere('seq', '>', Math.max(data.cursor, data.urgentSent))
      .orderBy('seq')
      .limit(URGENT_WINDOW - data.urgentInFlight)) as {
      seq: number;
      kind: string;
      at: number;
      body: string;
    }[];
    if (rows.length === 0) return;
    for (const row of rows) {
      if (!socket.connected) return;
      // Next in order with room in the window: the ordered stream brings it as soon as the lane would.
      if (row.seq <= data.cursor || (row.seq === data.cursor + 1 && data.inFlight < window)) return;
      const event = { seq: row.seq, at: row.at, kind: row.kind, data: JSON.parse(row.body) };
      data.urgentSent = row.seq;
      data.urgentInFlight++;
      sent++;
      socket
        .timeout(lane.ackTimeoutMs ?? 15_000)
        .emitWithAck(HUB_MESSAGES.urgent, event)
        .then(
          () => undefined,
          () => {
            // The ordered replay delivers it anyway; the console recognises it then.
            if (socket.connected)
              lane.log.warn('console did not acknowledge an urgent event in time', {
                consoleId: data.consoleId,
                seq: row.seq,
              });
          },
        )
        .finally(() => {
          data.urgentInFlight--;
        });
    }
    if (sent === 0) return;
  }
}
