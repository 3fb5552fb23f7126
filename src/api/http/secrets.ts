/**
 * Secrets never leave through the API: password hashes, reset-token hashes, refresh-token ids,
 * credentials sealed with the SecretBox (router and PPPoE passwords, gateway API keys), tokens
 * inside a recorded idempotent answer. They are stored as they are (the hash chain of each
 * stream is computed over what is stored and still verifies, on the server), and replaced by
 * `[redacted]` wherever stored data is shown as it is: the operations API's stream and read-model
 * reads. Every other answer is built by a presenter from named fields and never carries them.
 *
 * A field is secret by its name, at any depth, so an event type added later is covered the day
 * it is written; `secrets.unit.test.ts` walks every registered event schema and fails on a field
 * that looks like a credential but is not caught by this rule (or listed there as not secret).
 */

const SECRET_FIELD = /password|passwd|secret|token|credential|api_?key|private_?key|otp|sealed|cipher/i;

export const REDACTED = '[redacted]';

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/**
 * A copy of `value` with the value of every secret field replaced by `[redacted]` (null and
 * absent values stay as they are: that no credential is set is not a secret), and the dotted
 * paths that were replaced.
 */
export function redactSecrets<T>(value: T): { value: T; redacted: string[] } {
  const redacted: string[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`));
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(v)) {
      const at = path ? `${path}.${key}` : key;
      if (isSecretField(key) && inner !== null && inner !== undefined) {
        out[key] = REDACTED;
        redacted.push(at);
      } else {
        out[key] = walk(inner, at);
      }
    }
    return out;
  };
  return { value: walk(value, '') as T, redacted };
}
