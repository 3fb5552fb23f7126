import { sign, signedHeaders, signingKey, verify } from './signature';

describe('Standard Webhooks signatures', () => {
  it('matches the specification’s example (whsec_ secret, id.timestamp.body)', () => {
    // The example of the Standard Webhooks specification and its reference libraries.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(sign(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('uses a secret not in the whsec_ form as its UTF-8 bytes', () => {
    expect(signingKey('webhook_secret_key').toString('utf8')).toBe('webhook_secret_key');
    expect(signingKey('whsec_aGVsbG8=').toString('utf8')).toBe('hello');
  });

  it('verifies what it signs, refuses a changed body, another secret or an old timestamp, and accepts one of several signatures', () => {
    const headers = signedHeaders('webhook_secret_key', 'm-1', 1_700_000_000, '{"a":1}');
    expect(verify('webhook_secret_key', headers, '{"a":1}', 1_700_000_010)).toBe(true);
    expect(verify('webhook_secret_key', headers, '{"a":2}', 1_700_000_010)).toBe(false);
    expect(verify('another_secret_key', headers, '{"a":1}', 1_700_000_010)).toBe(false);
    expect(verify('webhook_secret_key', headers, '{"a":1}', 1_700_000_000 + 301)).toBe(false);
    const rotated = { ...headers, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} ${headers['webhook-signature']}` };
    expect(verify('webhook_secret_key', rotated, '{"a":1}', 1_700_000_000)).toBe(true);
  });
});
