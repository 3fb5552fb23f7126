import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, DESIGN.md §7). Every attempt
 * carries three headers:
 *
 *   webhook-id: <message id>            the same on every attempt of a message (deduplicate by it)
 *   webhook-timestamp: <unix seconds>   when this attempt was signed
 *   webhook-signature: v1,<base64>      HMAC-SHA256 of `${id}.${timestamp}.${body}` with the secret
 *
 * The key: a secret in the standard's form `whsec_<base64>` is the bytes the base64 encodes
 * (what the standard's libraries do); any other secret (document 004's example
 * `webhook_secret_key`) is its UTF-8 bytes as written.
 */
export function signingKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', signingKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export function signedHeaders(secret: string, id: string, timestampSeconds: number, body: string): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': sign(secret, id, timestampSeconds, body) };
}

/**
 * What a receiver does (tests, and the docs' example): the signature header may hold several
 * space-separated `v1,<sig>` entries (a secret being rotated); one must match, and the
 * timestamp must be within `toleranceSeconds` of now.
 */
export function verify(secret: string, headers: Record<string, string | undefined>, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, id, Number(timestamp), body).slice(3), 'base64');
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
