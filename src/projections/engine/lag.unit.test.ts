import { LagWindow } from './lag';

describe('LagWindow', () => {
  it('reports nothing before any sample', () => {
    expect(new LagWindow().summary()).toEqual({ samples: 0, p50Ms: null, p99Ms: null, maxMs: null });
  });

  it('gives percentiles over the samples it holds', () => {
    const w = new LagWindow();
    for (let i = 1; i <= 100; i++) w.record(i);
    expect(w.summary()).toEqual({ samples: 100, p50Ms: 51, p99Ms: 100, maxMs: 100 });
  });

  it('keeps only the most recent samples', () => {
    const w = new LagWindow(3);
    for (const ms of [1000, 1, 2, 3]) w.record(ms);
    expect(w.summary()).toEqual({ samples: 3, p50Ms: 2, p99Ms: 3, maxMs: 3 });
  });
});
