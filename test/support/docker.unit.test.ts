import { dockerStatus, parseProbe } from './docker';

describe('Docker gate', () => {
  it("reads the probe's answer, and treats no answer or a failed probe as unavailable with the reason", () => {
    expect(parseProbe('{"available":true,"reason":"unix:///var/run/docker.sock"}')).toEqual({
      available: true,
      reason: 'unix:///var/run/docker.sock',
    });
    expect(parseProbe('{"available":false,"reason":"Could not find a working container runtime strategy"}')).toEqual({
      available: false,
      reason: 'Could not find a working container runtime strategy',
    });
    expect(parseProbe('')).toEqual({ available: false, reason: 'the container runtime probe gave no answer' });
    expect(parseProbe('{"available":"yes"}').available).toBe(false);
    expect(parseProbe(null, new Error('spawnSync node ETIMEDOUT'))).toEqual({
      available: false,
      reason: 'the container runtime probe failed: spawnSync node ETIMEDOUT',
    });
  });

  it('answers the same way every time in one process, with a reason either way', () => {
    const first = dockerStatus();
    expect(typeof first.available).toBe('boolean');
    expect(first.reason.length).toBeGreaterThan(0);
    expect(dockerStatus()).toBe(first);
  });
});
