import { createScryptPasswordHasher } from './scrypt-password-hasher';

describe('scrypt password hasher', () => {
  const hasher = createScryptPasswordHasher({ cost: 2 ** 12 });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('correct horse');
    expect(hash.startsWith('scrypt$4096$8$1$')).toBe(true);
    expect(hash).not.toContain('correct horse');
    await expect(hasher.verify('correct horse', hash)).resolves.toBe(true);
    await expect(hasher.verify('wrong horse', hash)).resolves.toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hasher.hash('same'), hasher.hash('same')]);
    expect(a).not.toBe(b);
  });

  it('refuses malformed stored hashes', async () => {
    await expect(hasher.verify('x', 'plain')).resolves.toBe(false);
    await expect(hasher.verify('x', 'bcrypt$1$2$3$4$5')).resolves.toBe(false);
  });

  it('verifies hashes made with another cost (parameters travel with the hash)', async () => {
    const hash = await createScryptPasswordHasher({ cost: 2 ** 11 }).hash('pw');
    await expect(hasher.verify('pw', hash)).resolves.toBe(true);
  });
});
