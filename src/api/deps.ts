import type { Request } from 'express';
import type { AppCommandDeps } from '../commands/deps';
import type { IdempotencyKeys } from '../commands/idempotency';
import type { FileStore } from '../ports/file-store';
import type { Logger } from '../ports/logger';
import type { ReadStore } from '../ports/read-store';
import type { RateLimiter } from '../ports/rate-limit';
import type { RunnerStatus } from '../projections/engine/runner';
import type { RebuildJobs } from '../projections/engine/rebuild-jobs';
import type { CompareJobs } from '../projections/engine/compare-jobs';
import type { Metrics } from './metrics/metrics';
import type { FileUrls } from './files/signed-urls';
import { answerOnce, type KeptAnswers } from './http/kept-answers';
import type { TokenService } from './auth/tokens';
import type { LoginRateLimitSettings } from './http/rate-limit';
import type { BillingApiSettings } from './ftth-billing/settings';
import type { DotmacApiSettings } from './dotmac/settings';
import type { HeldHistories } from '../projections/tickets/held-histories';

/** Read-your-writes: wait until the read models have applied everything up to a log position. */
export interface ReadModelSync {
  waitFor(position: number, timeoutMs: number): Promise<boolean>;
  ready(): boolean;
  status(): RunnerStatus;
}

/** Everything the HTTP layer needs, built by the composition root (src/app.ts). */
export interface ApiDeps {
  logger: Logger;
  /** Everything the use cases need (src/commands/deps.ts). */
  commands: AppCommandDeps;
  readStore: ReadStore;
  fileStore: FileStore;
  tokens: TokenService;
  idempotency: IdempotencyKeys;
  sync: ReadModelSync;
  /** Ticket history entries already derived from the log (held-histories.ts). */
  ticketHistories?: HeldHistories;
  fileUrls: FileUrls;
  /** Answers of the routes that declare `keep`, kept until what they read changes. */
  keptAnswers: KeptAnswers;
  rebuilds: RebuildJobs;
  /** Rebuilt-equals-live checks started through /api/v1/ops (src/projections/engine/compare.ts). */
  comparisons: CompareJobs;
  /** Prometheus metrics (GET /metrics). */
  metrics: Metrics;
  /** Counters in the read store: with MongoDB, limits hold across instances. */
  rateLimiter: RateLimiter;
  settings: {
    corsOrigins: readonly string[];
    /** GET /metrics answers only with this bearer token; unset: 404. */
    metricsToken: string | undefined;
    uploadMaxBytes: number;
    readYourWritesTimeoutMs: number;
    publicUrl: string | undefined;
    loginRateLimit: LoginRateLimitSettings;
    /** Document 003's per-user request limit (limit 0: off). */
    inventoryAdminRateLimit: { limit: number; windowMs: number };
    /** Document 002: rate limits, the Xendit callback token, the import size. */
    billing: BillingApiSettings;
    /** Document 004: rate limits, portal token lifetimes, the tenant id. */
    dotmac: DotmacApiSettings;
  };
  /** Health details of the stores, for /health. */
  describeStores(): Promise<Record<string, unknown>>;
}

/** Waits for the read models to include a write before answering; logs when it takes too long. */
export async function settle(deps: ApiDeps, req: Request, position: number | null): Promise<void> {
  if (position === null) return;
  const reached = await deps.sync.waitFor(position, deps.settings.readYourWritesTimeoutMs);
  if (!reached) deps.logger.warn({ reqId: req.ctx.requestId, position }, 'read models did not reach the write in time');
}

/** A signed, expiring absolute link to an uploaded file, for this request's origin. */
export function fileUrlFor(deps: ApiDeps, req: Request): (fileId: string) => string {
  const base = baseUrl(deps, req);
  return (fileId) => {
    answerOnce(req); // signed for the hour: an answer showing it is made each time
    return `${base}${deps.fileUrls.path(fileId)}`;
  };
}

/** Absolute base URL for links in responses: PUBLIC_URL, else the request's own origin. */
export function baseUrl(deps: ApiDeps, req: Request): string {
  return (deps.settings.publicUrl ?? `${req.protocol}://${req.get('host')}`).replace(/\/$/, '');
}
