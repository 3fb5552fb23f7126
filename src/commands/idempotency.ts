import { createHash } from 'node:crypto';
import { WrongExpectedRevisionError, type RecordedEvent } from '../ports/event-store';
import { ConflictError, ValidationError } from '../domain/shared/errors';
import { toNewEvents, type CommandDeps, type RequestMeta } from './context';
import type { StoredResponse } from './system-events';

/**
 * Idempotency keys on POST. The key lives in its own stream in the event log, so it survives
 * restarts and holds across instances: the first request claims it (expected revision
 * `no_stream`), runs, and records its answer; the same key with the same body gets that answer
 * again and appends nothing; with another body it is a validation error (422).
 * A request that finds the key claimed but not yet answered waits for the answer.
 */

export type IdempotencyBegin =
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'proceed'; stream: string; revision: number };

export interface IdempotencyOptions {
  /** How long a claim without an answer blocks others before it is taken over (a crashed request). */
  staleAfterMs?: number;
  /** How long a duplicate waits for the first request's answer before giving up with 409. */
  waitTimeoutMs?: number;
  pollIntervalMs?: number;
}

export function idempotencyStream(scope: string, key: string): string {
  return `idempotency-${createHash('sha256').update(scope).update('\0').update(key).digest('hex').slice(0, 40)}`;
}

export class IdempotencyKeys {
  private readonly local = new Map<string, Promise<void>>();
  private readonly resolvers = new Map<string, () => void>();
  private readonly staleAfterMs: number;
  private readonly waitTimeoutMs: number;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly deps: CommandDeps,
    options: IdempotencyOptions = {},
  ) {
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
  }

  async begin(scope: string, key: string, requestHash: string, meta: RequestMeta): Promise<IdempotencyBegin> {
    const stream = idempotencyStream(scope, key);
    const waitUntil = Date.now() + this.waitTimeoutMs;
    for (;;) {
      const events = await this.deps.eventStore.readStream(stream);
      const state = summarise(events);
      if (state.requestHash !== null && state.requestHash !== requestHash) {
        throw new ValidationError(
          { 'Idempotency-Key': ['This Idempotency-Key was already used with a different request.'] },
          'Idempotency-Key reused with a different request',
        );
      }
      if (state.response) return { kind: 'replay', response: state.response };
      const claimIsLive =
        state.claimedAt !== null && this.deps.clock.now().getTime() - Date.parse(state.claimedAt) < this.staleAfterMs;
      if (!claimIsLive) {
        const claimed = await this.tryClaim(stream, scope, requestHash, state.revision, meta);
        if (claimed !== null) return { kind: 'proceed', stream, revision: claimed };
        continue;
      }
      if (Date.now() > waitUntil) throw new ConflictError('A request with this Idempotency-Key is still in progress');
      await this.waitForAnswer(stream);
    }
  }

  async complete(begin: { stream: string; revision: number }, response: StoredResponse, meta: RequestMeta): Promise<void> {
    try {
      await this.deps.eventStore.appendToStream(
        begin.stream,
        toNewEvents(this.deps, meta, [{ type: 'IdempotentResponseRecorded', data: { response } }]),
        { expectedRevision: begin.revision },
      );
    } finally {
      this.release(begin.stream);
    }
  }

  async abandon(begin: { stream: string; revision: number }, reason: string, meta: RequestMeta): Promise<void> {
    try {
      await this.deps.eventStore.appendToStream(
        begin.stream,
        toNewEvents(this.deps, meta, [{ type: 'IdempotencyClaimAbandoned', data: { reason } }]),
        { expectedRevision: begin.revision },
      );
    } finally {
      this.release(begin.stream);
    }
  }

  private async tryClaim(
    stream: string,
    scope: string,
    requestHash: string,
    revision: number,
    meta: RequestMeta,
  ): Promise<number | null> {
    try {
      const result = await this.deps.eventStore.appendToStream(
        stream,
        toNewEvents(this.deps, meta, [
          {
            type: 'IdempotencyKeyClaimed',
            data: { scope, requestHash, claimedAt: this.deps.clock.now().toISOString() },
          },
        ]),
        { expectedRevision: revision === -1 ? 'no_stream' : revision },
      );
      let resolve!: () => void;
      this.local.set(stream, new Promise<void>((r) => (resolve = r)));
      this.resolvers.set(stream, resolve);
      return result.nextExpectedRevision;
    } catch (err) {
      if (err instanceof WrongExpectedRevisionError) return null;
      throw err;
    }
  }

  /** Same process: wait on the claimer's promise. Another instance: poll the stream. */
  private async waitForAnswer(stream: string): Promise<void> {
    const local = this.local.get(stream);
    if (local) return local;
    await new Promise((r) => setTimeout(r, this.pollIntervalMs));
  }

  private release(stream: string): void {
    this.resolvers.get(stream)?.();
    this.resolvers.delete(stream);
    this.local.delete(stream);
  }
}

interface KeyState {
  revision: number;
  requestHash: string | null;
  claimedAt: string | null;
  response: StoredResponse | null;
}

function summarise(events: readonly RecordedEvent[]): KeyState {
  const state: KeyState = { revision: -1, requestHash: null, claimedAt: null, response: null };
  for (const e of events) {
    state.revision = e.revision;
    if (e.type === 'IdempotencyKeyClaimed') {
      state.requestHash = String(e.data.requestHash);
      state.claimedAt = String(e.data.claimedAt);
    } else if (e.type === 'IdempotentResponseRecorded') {
      state.response = e.data.response as StoredResponse;
    } else if (e.type === 'IdempotencyClaimAbandoned') {
      state.claimedAt = null;
      state.requestHash = null;
    }
  }
  return state;
}
