import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';

/**
 * A socket.io hub on loopback that streams whatever a test gives it, valid or not: the same ordered log, replay
 * from `afterSeq` and acks as the reference hub, but no validation, so a test can send what a broken or hostile
 * hub would. Sequence numbers are its own (gap-free) unless an entry says it has none. Like a pipelining hub it
 * never waits for an ack before sending the next event: `publishMany` puts a whole batch on the wire in one go.
 */
export class ScriptedHub {
  readonly acks = new Map<number, unknown>();
  /** Sequences in the order their acks came back. */
  readonly ackOrder: number[] = [];
  /** Acks of loose messages (no place in the log), in order. */
  readonly looseAcks: unknown[] = [];
  /** Acks of messages sent on the urgent lane (hub protocol 4), in order. */
  readonly urgentAcks: unknown[] = [];
  /** Called inside each ack, as it arrives: a test can look at the console's disk at that very moment. */
  onAck: ((seq: number | undefined, reply: unknown) => void) | undefined;
  readonly syncs: number[] = [];
  /**
   * What it answers `sources` with (hub protocol 3), valid or not; undefined: it does not listen for the message,
   * as a hub before version 3 does not, so the console's question goes unanswered.
   */
  sourcesReply: unknown = undefined;
  /**
   * While true the hub holds its log back: a `sync` is answered with the head, nothing is streamed, so a console
   * knows how far behind it is (a backlog) until `release()` sends it all.
   */
  holding = false;
  private readonly held: Array<{ socket: Socket; after: number }> = [];
  /** While set, the hub refuses every connection with this as its reason (as a hub refuses a wrong token). */
  refusing: string | undefined = undefined;
  private readonly log: Array<{ seq?: number; message: unknown }> = [];
  private head = 0;
  private server!: Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<string> {
    const http = createServer();
    this.server = new Server(http, { serveClient: false });
    this.server.use((_socket, next) => next(this.refusing ? new Error(this.refusing) : undefined));
    this.server.on('connection', (socket) => {
      socket.on('app-ping', (ack?: (r: unknown) => void) => ack?.({ ok: true }));
      socket.on('sources', (ack?: (r: unknown) => void) => {
        if (this.sourcesReply !== undefined) ack?.(this.sourcesReply);
      });
      socket.on('action', (_a: unknown, ack?: (r: unknown) => void) => ack?.({ ok: true, duplicate: false }));
      socket.on('sync', (req: { afterSeq?: number } | undefined, ack?: (r: unknown) => void) => {
        const after = req?.afterSeq ?? 0;
        this.syncs.push(after);
        ack?.({ ok: true, headSeq: this.head });
        (socket.data as { synced?: boolean }).synced = true;
        if (this.holding) {
          this.held.push({ socket, after });
          return;
        }
        for (const entry of this.log) {
          if (entry.seq === undefined || entry.seq > after) this.send(socket, entry);
        }
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    this.port = (http.address() as AddressInfo).port;
    return this.url;
  }

  /** Appends `{ seq, at, ...body }` to the log and streams it; returns its sequence. */
  publish(body: unknown, at = Date.now()): number {
    this.head += 1;
    const seq = this.head;
    const message =
      body !== null && typeof body === 'object' && !Array.isArray(body) ? { seq, at, ...body } : body;
    this.append({ seq, message });
    return seq;
  }

  /** Appends several events and streams them back to back, without waiting for any ack; returns their sequences. */
  publishMany(bodies: readonly unknown[], at = Date.now()): number[] {
    return bodies.map((b) => this.publish(b, at));
  }

  /** Answers to `events` messages (hub protocol 5), in order. */
  readonly batchAcks: unknown[] = [];

  /**
   * (hub protocol 5) Appends the bodies to the log as `publish` does and streams them as ONE `events` message;
   * `message` replaces the array sent (a hostile hub's: not a list, too long). A replay after a sync sends them
   * one by one.
   */
  publishBatch(bodies: readonly unknown[], message?: (events: unknown[]) => unknown): number[] {
    const events: unknown[] = [];
    const seqs = bodies.map((body) => {
      this.head += 1;
      const seq = this.head;
      const event =
        body !== null && typeof body === 'object' && !Array.isArray(body)
          ? { seq, at: Date.now(), ...body }
          : body;
      this.log.push({ seq, message: event });
      events.push(event);
      return seq;
    });
    this.sendBatch(message ? message(events) : events);
    return seqs;
  }

  /** (hub protocol 5) Sends `message` as an `events` message as it is, with no place in the log. */
  sendBatch(message: unknown): void {
    for (const socket of this.synced())
      socket.emit('events', message, (reply: unknown) => this.batchAcks.push(reply));
  }

  /** Streams a message that takes no place in the log (no sequence, or a made-up one). */
  sendLoose(message: unknown): void {
    for (const socket of this.synced()) this.send(socket, { message });
  }

  /** Sends `message` on the urgent lane (hub protocol 4), as it is: no place in the log, any sequence or none. */
  sendUrgent(message: unknown): void {
    for (const socket of this.synced())
      socket.emit('urgent', message, (reply: unknown) => this.urgentAcks.push(reply));
  }

  /** Stops holding: each console that synced meanwhile gets the log after its `afterSeq`, in order. */
  release(): void {
    this.holding = false;
    for (const { socket, after } of this.held.splice(0)) {
      for (const entry of this.log)
        if (entry.seq === undefined || entry.seq > after) this.send(socket, entry);
    }
  }

  /** Cuts every console's connection as a network would: each connects again (and meets `refusing`, when set). */
  disconnectAll(): void {
    for (const socket of this.server.sockets.sockets.values()) socket.conn.close();
  }

  get headSeq(): number {
    return this.head;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private append(entry: { seq: number; message: unknown }): void {
    this.log.push(entry);
    if (this.holding) return;
    for (const socket of this.synced()) this.send(socket, entry);
  }

  private synced(): Socket[] {
    return [...this.server.sockets.sockets.values()].filter((s) => (s.data as { synced?: boolean }).synced);
  }

  private send(socket: Socket, entry: { seq?: number; message: unknown }): void {
    socket.emit('event', entry.message, (reply: unknown) => {
      this.onAck?.(entry.seq, reply);
      if (entry.seq === undefined) {
        this.looseAcks.push(reply);
        return;
      }
      this.acks.set(entry.seq, reply);
      this.ackOrder.push(entry.seq);
    });
  }
}
