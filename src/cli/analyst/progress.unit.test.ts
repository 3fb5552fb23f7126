import { formatDuration, progress } from './progress';

describe('command line progress', () => {
  it('redraws one line on a terminal: a bar, the percentage, the rate and the time left', () => {
    let t = 0;
    const written: string[] = [];
    const bar = progress({ write: (s) => written.push(s), isTTY: true }, 'verify', { unit: 'events', now: () => t });
    bar.update(0, 1000);
    t = 2000;
    bar.update(500, 1000, 'note');
    expect(written[1]).toBe('\r\x1b[Kverify: [############------------] 50.0% · 500/1,000 events · 250 events/s · 2s left · note');
    t = 2050;
    bar.update(600, 1000);
    expect(written).toHaveLength(2); // at most ten redraws a second
    bar.finish('done');
    expect(written[2]).toBe('\r\x1b[Kverify: [############------------] 50.0% · 500/1,000 events · 250 events/s · 2s left · note · done\n');
  });

  it('writes a plain line every so often without a terminal, rated from where a resumed run starts', () => {
    let t = 0;
    const written: string[] = [];
    const bar = progress({ write: (s) => written.push(s) }, 'rebuild tickets', { unit: 'positions', everyMs: 1000, now: () => t });
    bar.update(4000, 10_000);
    t = 500;
    bar.update(4500, 10_000);
    t = 1000;
    bar.update(5000, 10_000);
    expect(written).toEqual([
      'rebuild tickets: 40.0% · 4,000/10,000 positions · 0 positions/s · 0s elapsed\n',
      'rebuild tickets: 50.0% · 5,000/10,000 positions · 1,000 positions/s · 5s left\n',
    ]);
  });

  it('formats durations', () => {
    expect([formatDuration(5), formatDuration(125), formatDuration(3 * 3600 + 7 * 60)]).toEqual(['5s', '2m05s', '3h07m']);
  });
});
