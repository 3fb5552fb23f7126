import { SliceBudget } from './slices';

/** A rebuild's or a catch-up's transactions aim at a time, their commit included: applying gets its share of it. */
describe('SliceBudget', () => {
  it('gives applying the whole target until a transaction was measured', () => {
    expect(new SliceBudget(100).applyMs).toBe(100);
  });

  it('gives applying the share it had of the last transaction', () => {
    const budget = new SliceBudget(100);
    // Applying 100 ms, writing and committing 200 ms more.
    budget.record(100, 300);
    expect(budget.applyMs).toBeCloseTo(33.3, 1);
    budget.record(30, 40);
    expect(budget.applyMs).toBe(75);
  });

  it('never less than a tenth of the target, nor more than all of it', () => {
    const budget = new SliceBudget(100);
    budget.record(1, 1000);
    expect(budget.applyMs).toBe(10);
    budget.record(50, 40);
    expect(budget.applyMs).toBe(100);
    budget.record(0, 0);
    expect(budget.applyMs).toBe(100);
  });
});
