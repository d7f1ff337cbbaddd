import { ParkedGate } from './parked-gate';

/** A gate over a table the test fills, counting the checks. */
function gateOver(initially: boolean) {
  const table = { any: initially, checks: 0 };
  let clock = 0;
  const gate = new ParkedGate(
    async () => {
      table.checks += 1;
      return table.any;
    },
    5_000,
    () => clock,
  );
  return { gate, table, advance: (ms: number) => (clock += ms) };
}

describe('ParkedGate', () => {
  it('checks once per assignment, then lets batches through without a lookup while nothing is parked', async () => {
    const { gate, table } = gateOver(false);
    expect(await gate.mayBeParked(1)).toBe(false);
    expect(await gate.mayBeParked(1)).toBe(false);
    expect(await gate.mayBeParked(1)).toBe(false);
    expect(table.checks).toBe(1);
  });

  it('checks again when partitions move (a new assignment): another instance may have parked them', async () => {
    const { gate, table } = gateOver(false);
    await gate.mayBeParked(1);
    table.any = true;
    expect(await gate.mayBeParked(2)).toBe(true);
    expect(table.checks).toBe(2);
  });

  it('looks every batch up once this instance parks something', async () => {
    const { gate } = gateOver(false);
    expect(await gate.mayBeParked(1)).toBe(false);
    gate.parking();
    expect(await gate.mayBeParked(1)).toBe(true);
  });

  it('closes again once operators emptied the table, noticed at the next re-check', async () => {
    const { gate, table, advance } = gateOver(true);
    expect(await gate.mayBeParked(1)).toBe(true);
    table.any = false;
    advance(1_000);
    expect(await gate.mayBeParked(1)).toBe(true);
    advance(4_000);
    expect(await gate.mayBeParked(1)).toBe(false);
    expect(table.checks).toBe(2);
  });

  it('does not conclude "none" from a check that a parking overlapped', async () => {
    let release: (any: boolean) => void = () => undefined;
    const gate = new ParkedGate(() => new Promise<boolean>((resolve) => (release = resolve)));
    const first = gate.mayBeParked(1);
    gate.parking();
    release(false);
    expect(await first).toBe(true);
    expect(await gate.mayBeParked(1)).toBe(true);
  });
});
