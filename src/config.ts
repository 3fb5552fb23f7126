import { z } from 'zod';
import cron from 'node-cron';
import { isTimeZone } from './domain/shared/local-time';
import { DEFAULT_SLA_HOURS, DEFAULT_SLA_WARNING_PERCENT, TICKET_PRIORITIES, type SlaHours } from './domain/ticket';

/**
 * Configuration from the environment, validated once at start. A bad value stops the process
 * with a message naming the variable (see main.ts). Every variable is listed in docs/configuration.md.
 */

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const intFrom = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

const slaHoursSchema = z
  .string()
  .optional()
  .transform((v, ctx): SlaHours => {
    if (v === undefined || v.trim() === '') return DEFAULT_SLA_HOURS;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"emergency":4,"critical":8,"high":24,"normal":48,"low":72}' });
      return z.NEVER;
    }
    const table = z.partialRecord(z.enum(TICKET_PRIORITIES), z.number().positive().max(24 * 365)).safeParse(parsed);
    if (!table.success) {
      ctx.addIssue({ code: 'custom', message: `must map priorities (${TICKET_PRIORITIES.join(', ')}) to positive hours` });
      return z.NEVER;
    }
    return { ...DEFAULT_SLA_HOURS, ...table.data };
  });

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: intFrom(8000, 0, 65535),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    /** Key material for credentials encrypted at rest (PPPoE and router passwords, gateway keys). */
    SECRETS_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    ACCESS_TOKEN_TTL_SECONDS: intFrom(900, 60, 86_400),
    REFRESH_TOKEN_TTL_SECONDS: intFrom(30 * 86_400, 300, 365 * 86_400),
    ADMIN_EMAIL: optionalString.pipe(z.email('must be an email address').optional()),
    ADMIN_PASSWORD: optionalString.pipe(z.string().min(8, 'must be at least 8 characters').optional()),
    CORS_ORIGINS: z
      .string()
      .default('http://localhost:5173')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    UPLOAD_MAX_BYTES: intFrom(5 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    READ_YOUR_WRITES_TIMEOUT_MS: intFrom(5000, 0, 60_000),
    SHUTDOWN_TIMEOUT_MS: intFrom(10_000, 0, 600_000),
    // Slow and oversize clients (src/api/http/http-server.ts, docs/configuration.md "HTTP server").
    /** The complete request headers must arrive within this (408 and disconnected). */
    HTTP_HEADERS_TIMEOUT_MS: intFrom(15_000, 100, 600_000),
    /** The whole request, body included, must arrive within this (408 and disconnected). */
    HTTP_REQUEST_TIMEOUT_MS: intFrom(120_000, 100, 3_600_000),
    /** A connection with a request open and nothing moving for this long is closed. */
    HTTP_IDLE_TIMEOUT_MS: intFrom(60_000, 100, 3_600_000),
    /** An idle connection between requests is kept this long (above a load balancer's idle timeout). */
    HTTP_KEEP_ALIVE_TIMEOUT_MS: intFrom(65_000, 100, 600_000),
    /** Largest request line plus headers, in bytes (431 beyond). */
    HTTP_MAX_HEADER_BYTES: intFrom(16_384, 1024, 1_048_576),
    PUBLIC_URL: optionalString.pipe(z.url('must be a URL').optional()),
    /** GET /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`; unset: metrics are off (404). */
    METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /**
     * History entries of tickets already shown, held so that showing a ticket again reads only
     * its newer events (src/projections/tickets/held-histories.ts); about 700 bytes each.
     */
    TICKET_HISTORY_ENTRIES: intFrom(100_000, 0, 10_000_000),
    /** Answers of list reads kept until a collection they read changes (src/api/http/kept-answers.ts), in MB; 0 keeps none. */
    KEPT_ANSWERS_MB: intFrom(16, 0, 4096),
    /** The embedded read store (when MONGODB_URL is unset): an SQLite file in DATA_DIR, or in memory (tests). */
    READ_STORE: z.enum(['sqlite', 'memory']).default('sqlite'),
    EVENTSTORE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb):\/\//, 'must be an esdb:// connection string')
        .optional(),
    ),
    MONGODB_URL: optionalString.pipe(
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// connection string')
        .optional(),
    ),
    // MongoDB read store, GridFS files, projection lease and shared rate limits (docs/scaling.md).
    /** Database name; default the connection string's path, else isp_ops. */
    MONGODB_DB: optionalString.pipe(
      z
        .string()
        .regex(/^[^/\\. "$]{1,63}$/, 'must be a MongoDB database name (no / \\ . " $ or spaces, at most 63 characters)')
        .optional(),
    ),
    MONGODB_WRITE_CONCERN: z
      .string()
      .optional()
      .transform((v) => v?.trim() || 'majority')
      .refine((v) => v === 'majority' || /^[1-9]\d*$/.test(v), 'must be "majority" or a number of members (1 or more)')
      .transform((v): 'majority' | number => (v === 'majority' ? 'majority' : Number(v))),
    MONGODB_JOURNAL: z
      .enum(['true', 'false', '1', '0'])
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
    MONGODB_GRIDFS_BUCKET: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be letters, digits, _ or -').default('uploads'),
    /** This instance's name in the projection lease; default host-pid-random. */
    INSTANCE_ID: optionalString.pipe(z.string().max(200).optional()),
    PROJECTION_LEASE_TTL_MS: intFrom(15_000, 1_000, 600_000),
    PROJECTION_LEASE_RENEW_MS: intFrom(5_000, 100, 200_000),
    PROJECTION_STANDBY_POLL_MS: intFrom(2_000, 100, 600_000),
    /** Events per projection batch while catching up (one read-store transaction each). */
    PROJECTION_BATCH_SIZE: intFrom(20_000, 1, 1_000_000),
    /** Login attempts per window for one e-mail from one IP, and from one IP overall (0: no limit). */
    LOGIN_RATE_LIMIT_PER_EMAIL: intFrom(10, 0, 1_000_000),
    LOGIN_RATE_LIMIT_PER_IP: intFrom(100, 0, 1_000_000),
    LOGIN_RATE_LIMIT_WINDOW_SECONDS: intFrom(900, 1, 86_400),
    /** Express "trust proxy": false, true, a hop count, or addresses/subnets (loopback, 10.0.0.0/8, ...). */
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((v) => v?.trim() || 'false')
      .refine((v) => /^(true|false|\d+|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/.test(v), 'must be true, false, a hop count or a list of addresses')
      .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
    // Tickets SLA (docs/api/000-tickets.md): hours per priority as JSON, merged over the defaults,
    // e.g. {"emergency":2,"low":96}; the warning is raised when this percent of the SLA time is left.
    SLA_HOURS: slaHoursSchema,
    SLA_WARNING_PERCENT: intFrom(DEFAULT_SLA_WARNING_PERCENT, 1, 99),
    /** node-cron expression of the SLA breach/warning job. */
    SLA_JOB_SCHEDULE: z
      .string()
      .default('* * * * *')
      .refine((v) => cron.validate(v), 'must be a cron expression (e.g. "* * * * *")'),
    /** Run the scheduled jobs in this instance (switch off on all but one of several instances, if wished). */
    JOBS_ENABLED: z
      .enum(['true', 'false', '1', '0'])
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
    // Mikrotik provisioning (docs/api/002-mikrotik.md): the RouterOS API client and the PPPoE sync.
    /** Connecting, logging in, and each RouterOS API command, in milliseconds. */
    MIKROTIK_TIMEOUT_MS: intFrom(10_000, 100, 120_000),
    /** API-SSL: verify the router's certificate (false accepts self-signed router certificates). */
    MIKROTIK_TLS_REJECT_UNAUTHORIZED: z
      .enum(['true', 'false', '1', '0'])
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
    /** The PPP profile a suspended customer's (disabled) secret is moved to; created on the router when missing. */
    MIKROTIK_SUSPENDED_PROFILE: z
      .string()
      .trim()
      .regex(/^[^\s=?!/][^=?]{0,63}$/, 'must be a PPP profile name (up to 64 characters, no = or ?)')
      .default('suspended'),
    /** Attempts of the sync that follows a suspension or reactivation before it is left failed. */
    MIKROTIK_SYNC_ATTEMPTS: intFrom(3, 1, 20),
    /** Wait before the first retry of that sync; doubled for each further one. */
    MIKROTIK_SYNC_RETRY_DELAY_MS: intFrom(5_000, 0, 600_000),
    // Inventory (documents 003 and 000's inventory; docs/api/003-inventory.md, docs/api/000-inventory.md).
    /** IANA time zone in which inventory days are counted (assigned dates "not in the future", the digest's day, activity times). */
    INVENTORY_TIMEZONE: z
      .string()
      .default('UTC')
      .refine((v) => isTimeZone(v), 'must be an IANA time zone, e.g. Asia/Jakarta or UTC'),
    /** ISO 4217 currency of item unit prices (kept in hundredths). */
    INVENTORY_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code, e.g. IDR').default('IDR'),
    /** Document 003's limit: requests per minute per user on /api/v1/admin (0: no limit). */
    INVENTORY_RATE_LIMIT_PER_MINUTE: intFrom(100, 0, 1_000_000),
    /** node-cron expression of the daily low-stock digest job (the process's clock; the digest's day is INVENTORY_TIMEZONE's). */
    INVENTORY_DIGEST_SCHEDULE: z
      .string()
      .default('0 7 * * *')
      .refine((v) => cron.validate(v), 'must be a cron expression (e.g. "0 7 * * *")'),
    /** Seed a small, fictional set of branches, departments and categories on the first start. */
    INVENTORY_DEMO_SEED: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    // FTTH billing (document 002; docs/api/002-billing.md). Rate limits: requests per window (0: no limit).
    BILLING_RATE_LIMIT_AUTH: intFrom(5, 0, 1_000_000),
    BILLING_RATE_LIMIT_AUTH_WINDOW_SECONDS: intFrom(300, 1, 86_400),
    BILLING_RATE_LIMIT_GENERAL: intFrom(100, 0, 1_000_000),
    BILLING_RATE_LIMIT_GENERAL_WINDOW_SECONDS: intFrom(60, 1, 86_400),
    BILLING_RATE_LIMIT_EXPORT: intFrom(10, 0, 1_000_000),
    BILLING_RATE_LIMIT_EXPORT_WINDOW_SECONDS: intFrom(3600, 1, 86_400),
    BILLING_RATE_LIMIT_IMPORT: intFrom(5, 0, 1_000_000),
    BILLING_RATE_LIMIT_IMPORT_WINDOW_SECONDS: intFrom(3600, 1, 86_400),
    /** IANA time zone of billing dates (periods, due dates, "today" of the jobs). */
    BILLING_TIME_ZONE: z
      .string()
      .default('Asia/Jakarta')
      .refine((v) => {
        try {
          new Intl.DateTimeFormat('en-CA', { timeZone: v });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone, e.g. Asia/Jakarta'),
    /** ISO 4217 currency of every billing amount (integer minor units). */
    BILLING_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code, e.g. IDR').default('IDR'),
    /** Days an invoice may stay overdue before the subscription is suspended. */
    BILLING_SUSPEND_AFTER_DAYS: intFrom(7, 0, 365),
    /** Brand of invoices and catalog entries document 004's admin creates for customers without one (registered when first needed). */
    BILLING_DEFAULT_BRAND: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_]{1,32}$/, 'must be 1 to 32 letters, digits or _')
      .default('ISP')
      .transform((v) => v.toUpperCase()),
    /** node-cron expressions (the process's clock) of the billing jobs. */
    BILLING_INVOICE_JOB_SCHEDULE: z.string().default('0 1 1 * *').refine((v) => cron.validate(v), 'must be a cron expression'),
    BILLING_OVERDUE_JOB_SCHEDULE: z.string().default('5 0 * * *').refine((v) => cron.validate(v), 'must be a cron expression'),
    BILLING_SUSPENSION_JOB_SCHEDULE: z.string().default('15 0 * * *').refine((v) => cron.validate(v), 'must be a cron expression'),
    BILLING_REACTIVATION_JOB_SCHEDULE: z.string().default('*/10 * * * *').refine((v) => cron.validate(v), 'must be a cron expression'),
    /** Who makes payment links for brands whose gateway is `xendit`: `simulated` (no network) or `xendit`. */
    PAYMENT_GATEWAY: z.enum(['simulated', 'xendit']).default('simulated'),
    XENDIT_API_URL: z.url('must be a URL').default('https://api.xendit.co'),
    /** The default Xendit secret key (a brand's own key, set through /api/brands, takes precedence). */
    XENDIT_API_KEY: optionalString,
    /** The x-callback-token Xendit sends with its callbacks; unset: every callback is refused (401). */
    XENDIT_CALLBACK_TOKEN: optionalString,
    // Document 004 (DotMac) shared HTTP layer and customer portal (docs/api/004-portal.md).
    /** `tenant_id` of portal tokens and webhook payloads: this deployment is one tenant. */
    DOTMAC_TENANT_ID: z.string().trim().min(1).max(64).default('default'),
    /** Document 004's rate limits, requests per window (0: no limit): portal login and refresh per IP, portal APIs per Portal ID, admin APIs per user, uploads and reports per user. */
    DOTMAC_RATE_LIMIT_PORTAL_AUTH: intFrom(10, 0, 1_000_000),
    DOTMAC_RATE_LIMIT_PORTAL: intFrom(100, 0, 1_000_000),
    DOTMAC_RATE_LIMIT_ADMIN: intFrom(1000, 0, 1_000_000),
    DOTMAC_RATE_LIMIT_UPLOAD: intFrom(10, 0, 1_000_000),
    DOTMAC_RATE_LIMIT_REPORT: intFrom(5, 0, 1_000_000),
    DOTMAC_RATE_LIMIT_WINDOW_SECONDS: intFrom(60, 1, 86_400),
    /** Lifetime of portal access tokens (the document shows 3600). */
    PORTAL_ACCESS_TOKEN_TTL_SECONDS: intFrom(3600, 60, 86_400),
    /** Lifetime of a portal refresh token; with remember_me the longer one. */
    PORTAL_REFRESH_TOKEN_TTL_SECONDS: intFrom(86_400, 300, 90 * 86_400),
    PORTAL_REMEMBER_ME_TTL_SECONDS: intFrom(30 * 86_400, 300, 365 * 86_400),
    /** Consecutive failed portal logins that lock the account, and for how long. */
    PORTAL_LOCKOUT_ATTEMPTS: intFrom(5, 1, 100),
    PORTAL_LOCKOUT_MINUTES: intFrom(30, 1, 1440),
    /** The issuer authenticator apps show for portal two-factor codes. */
    PORTAL_TOTP_ISSUER: z.string().trim().min(1).max(64).default('ISP Customer Portal'),
    /** 30-second TOTP steps accepted either side of the current one (clock skew). */
    PORTAL_TOTP_SKEW_STEPS: intFrom(1, 0, 2),
    /** Whether a portal payment may pay less than what is outstanding on the invoice. */
    PORTAL_PARTIAL_PAYMENTS: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    // Webhooks (document 004; docs/api/004-webhooks.md).
    /** Hosts webhooks may reach although they resolve to loopback, link-local or private addresses (comma-separated names or addresses). */
    WEBHOOK_ALLOWED_HOSTS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    /** Wait before the first retry of a failed delivery; doubled for each further one (with jitter). */
    WEBHOOK_RETRY_BASE_MS: intFrom(60_000, 1, 86_400_000),
    /** The longest single wait between two attempts. */
    WEBHOOK_RETRY_MAX_DELAY_MS: intFrom(6 * 3_600_000, 1, 7 * 86_400_000),
    /** Attempts of one message (the first included) before it is given up. */
    WEBHOOK_MAX_ATTEMPTS: intFrom(8, 1, 50),
    /** Each attempt must be answered within this. */
    WEBHOOK_TIMEOUT_MS: intFrom(10_000, 100, 120_000),
    /** Failed attempts in a row (no delivery between) after which a webhook is disabled. */
    WEBHOOK_DISABLE_AFTER_FAILURES: intFrom(24, 1, 10_000),
    /** The longest the dispatcher sleeps without looking for due messages (new ones wake it at once). */
    WEBHOOK_POLL_MS: intFrom(5_000, 10, 600_000),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && !c.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV is production' });
    }
    if (c.NODE_ENV === 'production' && !c.SECRETS_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SECRETS_KEY'], message: 'is required when NODE_ENV is production' });
    }
    if (c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'must be at most HTTP_REQUEST_TIMEOUT_MS' });
    }
    if (c.PROJECTION_LEASE_RENEW_MS * 3 > c.PROJECTION_LEASE_TTL_MS) {
      ctx.addIssue({ code: 'custom', path: ['PROJECTION_LEASE_RENEW_MS'], message: 'must be at most a third of PROJECTION_LEASE_TTL_MS' });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`));
  }
  return parsed.data;
}
