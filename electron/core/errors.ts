import type { ErrorCode } from '../../shared/contract';

/**
 * Thrown by services for an expected refusal (not found, conflict, forbidden by a rule the role check cannot
 * see); the router turns it into an error envelope with the same code and message.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
