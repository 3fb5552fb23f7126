import { systemEvents } from '../../commands/system-events';
import { createEventRegistry, domainEvents } from '../../domain';
import { isSecretField, REDACTED, redactSecrets } from './secrets';

/** Every field name of a zod (v4) schema, at any depth, as dotted paths. */
function fieldPaths(schema: unknown, prefix = '', out: string[] = []): string[] {
  const def = (schema as { _zod?: { def?: Record<string, any> } })?._zod?.def;
  if (!def) return out;
  switch (def.type) {
    case 'object':
      for (const [key, inner] of Object.entries(def.shape as Record<string, unknown>)) {
        out.push(`${prefix}${key}`);
        fieldPaths(inner, `${prefix}${key}.`, out);
      }
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      fieldPaths(def.innerType, prefix, out);
      break;
    case 'array':
      fieldPaths(def.element, `${prefix}[].`, out);
      break;
    case 'union':
      for (const option of def.options as unknown[]) fieldPaths(option, prefix, out);
      break;
    case 'record':
      fieldPaths(def.valueType, `${prefix}*.`, out);
      break;
    case 'pipe':
      fieldPaths(def.in, prefix, out);
      fieldPaths(def.out, prefix, out);
      break;
  }
  return out;
}

/** Names that look like a credential; each must be caught by isSecretField or be listed below. */
const LOOKS_LIKE_A_CREDENTIAL = /hash|key|secret|token|pass|pwd|otp|salt|signature|seal|cipher|cred|pin(code)?$/i;

/** Fields whose names look like a credential and are not one, each with the reason. */
const NOT_SECRET: Record<string, string> = {
  requestHash: 'the sha256 of an Idempotency-Key request body, to tell a replay from a reuse',
  gatewayKey: 'the idempotency key a portal payment sends to the payment gateway (a hash of the customer, invoice and Idempotency-Key, or the attempt id): it authorises nothing',
};

describe('secrets in events', () => {
  const registry = createEventRegistry(systemEvents);
  const definitions = [...domainEvents, ...systemEvents];

  it('walks every registered event type', () => {
    expect(definitions.map((d) => d.type).sort()).toEqual(registry.types().sort());
    const registered = definitions.find((d) => d.type === 'UserRegistered')!;
    expect(fieldPaths(registered.schema)).toEqual(expect.arrayContaining(['passwordHash', 'profile.full_name']));
  });

  it('redacts every field of every event type whose name looks like a credential, unless reviewed as not secret', () => {
    const unguarded: string[] = [];
    for (const definition of definitions) {
      for (const path of fieldPaths(definition.schema)) {
        const name = path.split('.').pop()!;
        if (LOOKS_LIKE_A_CREDENTIAL.test(name) && !isSecretField(name) && !(name in NOT_SECRET)) {
          unguarded.push(`${definition.type}.${path}`);
        }
      }
    }
    expect(unguarded).toEqual([]);
  });

  it('catches the credentials the events hold today', () => {
    for (const name of ['passwordHash', 'tokenHash', 'refreshTokenId', 'previousTokenId', 'passwordSealed', 'apiKeySealed', 'credentials', 'refresh_token', 'token']) {
      expect({ name, secret: isSecretField(name) }).toEqual({ name, secret: true });
    }
    for (const name of ['requestHash', 'sessionId', 'userId', 'email', 'hash', 'prevHash', 'sha256']) {
      expect({ name, secret: isSecretField(name) }).toEqual({ name, secret: false });
    }
  });
});

describe('redactSecrets', () => {
  it('replaces secret values at any depth, in arrays too, and names their paths', () => {
    const { value, redacted } = redactSecrets({
      userId: 'u1',
      passwordHash: 'scrypt$...',
      none: { tokenHash: null },
      response: { body: { data: { tokens: { refresh_token: 'eyJ...', expires_in: 900 } } }, list: [{ apiKey: 'k' }] },
    });
    expect(value).toEqual({
      userId: 'u1',
      passwordHash: REDACTED,
      none: { tokenHash: null },
      response: { body: { data: { tokens: REDACTED } }, list: [{ apiKey: REDACTED }] },
    });
    expect(redacted).toEqual(['passwordHash', 'response.body.data.tokens', 'response.list[0].apiKey']);
  });
});
