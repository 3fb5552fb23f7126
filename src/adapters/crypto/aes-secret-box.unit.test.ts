import { createAesSecretBox } from './aes-secret-box';

describe('AES-GCM secret box', () => {
  const box = createAesSecretBox('k'.repeat(40));

  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = box.seal('pppoe-pass-123');
    const b = box.seal('pppoe-pass-123');
    expect(a).not.toBe(b);
    expect(a).not.toContain('pppoe-pass-123');
    expect(box.isSealed(a)).toBe(true);
    expect(box.open(a)).toBe('pppoe-pass-123');
    expect(box.open(box.seal(''))).toBe('');
  });

  it('refuses an altered value and a value sealed with another key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    expect(() => box.open([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'))).toThrow();
    expect(() => createAesSecretBox('o'.repeat(40)).open(sealed)).toThrow();
    expect(() => box.open('clear text')).toThrow('not a sealed value');
    expect(box.isSealed('clear text')).toBe(false);
  });

  it('needs key material of at least 32 characters', () => {
    expect(() => createAesSecretBox('short')).toThrow('at least 32');
  });
});
