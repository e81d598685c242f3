/**
 * Frames of the message carriers (web host WebSocket, in-memory pair). Electron IPC carries the same
 * envelopes through ipcRenderer.invoke and needs no frames of its own.
 */
import { z } from 'zod';
import type { Envelope } from './common';

export const ClientFrame = z.object({
  t: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  input: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrame>;

export type ServerFrame =
  { t: 'result'; id: number; envelope: Envelope<unknown> } | { t: 'event'; name: string; payload: unknown };

/**
 * The largest frame a WebSocket carrier takes. The largest call the contract allows is a snapshot: 12,000,000
 * characters of base64 (streams.snapshot, runs.snapshot) plus the frame around it; a bigger frame cannot be a valid
 * call. The web host closes a session that sends one (1009); the page refuses to send one in the first place.
 */
export const MAX_FRAME_BYTES = 12_000_000 + 64 * 1024;

/** IPC channel names are the method and event names under these prefixes. */
export const IPC_CALL_CHANNEL = 'console:call';
export const IPC_EVENT_CHANNEL = 'console:event';
