import type { ErrorCode, RefusalReason } from '../../shared/contract';

/**
 * Thrown by services for an expected refusal (not found, conflict, forbidden by a rule the role check cannot
 * see); the router turns it into an error envelope with the same code and message. `reason` (and its `params`)
 * lets the page say it in the operator's language.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly reason?: RefusalReason,
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** A write refused for want of space: SQLite's SQLITE_FULL, or the file system's ENOSPC / EDQUOT. */
export function isDiskFull(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (e.code === 'SQLITE_FULL' || e.code === 'ENOSPC' || e.code === 'EDQUOT') return true;
  return typeof e.message === 'string' && /database or disk is full|no space left on device/i.test(e.message);
}

/** What an operator's action that could not be stored is answered with: nothing of it was recorded. */
export const DISK_FULL_MESSAGE =
  'The disk is full: this was not recorded (nothing of it was saved). Tell the administrator; try again once space is freed.';
