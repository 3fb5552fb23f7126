import { createEventRegistry } from '..';

describe('User event schemas', () => {
  const registry = createEventRegistry();

  it('keeps a profile change to the fields that changed (no defaults filled in)', () => {
    const data = registry.validate('UserProfileUpdated', {
      userId: 'u1',
      changes: { full_name: 'Ana' },
      updatedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(data.changes).toEqual({ full_name: 'Ana' });
  });

  it('still fills in the optional profile fields of a registration', () => {
    const data = registry.validate('UserRegistered', {
      userId: 'u1',
      number: 1,
      email: 'ana@example.com',
      role: 'technician',
      passwordHash: 'h',
      profile: { full_name: 'Ana' },
      registeredAt: '2026-03-01T10:00:00.000Z',
    });
    expect(data.profile).toEqual({ full_name: 'Ana', phone: null, avatar: null, department: null });
    expect(data).not.toHaveProperty('customerId');
  });
});
