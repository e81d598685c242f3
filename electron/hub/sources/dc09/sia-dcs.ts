/**
 * The basics of SIA-DCS data (SIA DC-03 in a DC-09 frame): `[#ACCT|]N[ri<area>/][id<user>/][ti<HH:MM>/]<CC><addr>`,
 * several events separated by `/`. Two-letter codes map through a small shipped table (sia-dcs.codes.json: the
 * common alarm, restore, trouble, open/close and test codes); the rest are unknown and still reported.
 */
import { z } from 'zod';
import { ShippedCode, type CodeEntry } from './contact-id';
import shippedCodes from './sia-dcs.codes.json';

export interface SiaEntry extends CodeEntry {
  /** This code restores the condition the table's other code of the same action raised. */
  restore?: boolean;
}

/** A shipped SIA entry: a Contact ID entry's shape, and whether the code restores what its action raised. */
const ShippedSiaCode = ShippedCode.extend({ restore: z.literal(true).optional() });

/** The shipped two-letter codes (sia-dcs.codes.json, checked when the module loads). */
export const SIA_TABLE: ReadonlyMap<string, SiaEntry> = new Map(
  Object.entries(z.record(z.string().regex(/^[A-Z]{2}$/), ShippedSiaCode).parse(shippedCodes)),
);

/** SIA closing codes: the rest of the open/close codes are openings. */
export const SIA_CLOSING = new Set(['CL', 'CG', 'CQ']);

export interface SiaEvent {
  code: string;
  /** The digits after the code (a zone or a user, per the code's scope); may be empty. */
  address: string;
  partition?: string;
  user?: string;
}

const PREFIX = /^(?:#([0-9A-Fa-f]{3,16})\|)?N?/;
const TOKEN =
  /\/?(?:ri(\d{1,4})|id(\d{1,6})|ti(\d{2}:\d{2})|pi(\d{1,4})|([A-Za-z]{2})(\d{0,6})(?:\^[^^]*\^)?)/y;

/** Reads the events of a SIA-DCS data block; a reason when it holds none. */
export function parseSiaData(
  data: string,
): { ok: true; account?: string; events: SiaEvent[] } | { ok: false; reason: string } {
  const pre = PREFIX.exec(data)!;
  const events: SiaEvent[] = [];
  let partition: string | undefined;
  let user: string | undefined;
  TOKEN.lastIndex = pre[0].length;
  while (TOKEN.lastIndex < data.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(data);
    if (!m) return { ok: false, reason: `SIA data not understood at "${data.slice(at, at + 20)}"` };
    if (m[1] !== undefined) partition = m[1];
    else if (m[2] !== undefined) user = m[2];
    else if (m[5] !== undefined) {
      events.push({
        code: m[5].toUpperCase(),
        address: m[6] ?? '',
        ...(partition !== undefined ? { partition } : {}),
        ...(user !== undefined ? { user } : {}),
      });
    }
  }
  if (events.length === 0) return { ok: false, reason: 'SIA data holds no event code' };
  return { ok: true, ...(pre[1] !== undefined ? { account: pre[1].toUpperCase() } : {}), events };
}
