import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../ports/secret-box';

const PREFIX = 'v1';

/**
 * AES-256-GCM with a fresh 96-bit IV per value; the 256-bit key is the SHA-256 of the configured
 * key material (SECRETS_KEY, or outside production a generated one kept in DATA_DIR). The GCM tag
 * makes any alteration fail to open.
 */
export function createAesSecretBox(keyMaterial: string): SecretBox {
  if (keyMaterial.length < 32) throw new Error('the secrets key must be at least 32 characters');
  const key = createHash('sha256').update(keyMaterial, 'utf8').digest();
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [PREFIX, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed) {
      const [prefix, iv, tag, body] = sealed.split('.');
      if (prefix !== PREFIX || iv === undefined || tag === undefined || body === undefined) throw new Error('not a sealed value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
    isSealed: (value) => /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/.test(value),
  };
}
