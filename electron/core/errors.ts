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
