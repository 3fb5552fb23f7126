import { deadlineCheckInterval } from './http-server';

describe('deadlineCheckInterval', () => {
  it('checks deadlines every second at the defaults, and more often for short limits', () => {
    expect(deadlineCheckInterval({ headersTimeoutMs: 15_000, requestTimeoutMs: 120_000 })).toBe(1000);
    expect(deadlineCheckInterval({ headersTimeoutMs: 600, requestTimeoutMs: 2000 })).toBe(150);
    expect(deadlineCheckInterval({ headersTimeoutMs: 100, requestTimeoutMs: 100 })).toBe(50);
  });
});
