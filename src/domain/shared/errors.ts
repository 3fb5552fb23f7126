/**
 * Typed domain failures. Each API maps them to its own status codes and error format in one
 * place (src/api/<document>/errors.ts); nothing else decides an HTTP status.
 */
export type FieldErrors = Record<string, string[]>;

export abstract class DomainError extends Error {
  abstract readonly kind:
    | 'validation'
    | 'not_found'
    | 'illegal_state'
    | 'duplicate'
    | 'forbidden'
    | 'unauthenticated'
    | 'invalid_credentials'
    | 'conflict'
    | 'precondition_failed';
}

export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
  constructor(
    readonly fields: FieldErrors,
    message = 'Validation failed',
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} not found`);
    this.name = 'NotFoundError';
  }
}

/** A command that the aggregate's current state does not allow (e.g. approving a rejected request). */
export class IllegalStateError extends DomainError {
  readonly kind = 'illegal_state' as const;
  constructor(
    message: string,
    readonly current?: string,
    readonly allowed?: readonly string[],
  ) {
    super(message);
    this.name = 'IllegalStateError';
  }
}

export class DuplicateError extends DomainError {
  readonly kind = 'duplicate' as const;
  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super(`${field} is already taken`);
    this.name = 'DuplicateError';
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(message = 'You do not have permission to do this') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated' as const;
  constructor(
    message = 'Unauthenticated',
    readonly reason: 'missing' | 'invalid' | 'expired' | 'revoked' = 'invalid',
  ) {
    super(message);
    this.name = 'UnauthenticatedError';
  }
}

export class InvalidCredentialsError extends DomainError {
  readonly kind = 'invalid_credentials' as const;
  constructor(message = 'Invalid credentials') {
    super(message);
    this.name = 'InvalidCredentialsError';
  }
}

/** The write kept conflicting with concurrent writes after every retry. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(message = 'The resource was changed by another request; try again') {
    super(message);
    this.name = 'ConflictError';
  }
}

/** If-Match named a revision that is no longer current. */
export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition_failed' as const;
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`The resource has changed (revision ${actual}, If-Match ${expected})`);
    this.name = 'PreconditionFailedError';
  }
}
