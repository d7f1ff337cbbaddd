import { NO_UPCASTING, createUpcasterRegistry, type Upcastable } from './upcaster-registry';

interface PlacedV1 {
  total: number;
}
interface PlacedV2 extends PlacedV1 {
  currency: string;
}

const registry = createUpcasterRegistry([
  { type: 'OrderPlaced', fromSchemaVersion: 2, upcast: (data) => toV3(data as PlacedV2) },
  {
    type: 'OrderPlaced',
    fromSchemaVersion: 1,
    upcast: (data) => ({ ...(data as PlacedV1), currency: 'EUR' }),
  },
  { type: 'ItemAdded', fromSchemaVersion: 1, upcast: () => ({ quantity: 1 }) },
]);

function toV3({ total, currency }: PlacedV2): { amount: { value: number; currency: string } } {
  return { amount: { value: total, currency } };
}

const placed = (schemaVersion: number, data: unknown): Upcastable & { eventId: string } => ({
  eventId: 'e-1',
  type: 'OrderPlaced',
  schemaVersion,
  data,
});

describe('createUpcasterRegistry', () => {
  it('chains v1 → v2 → v3 and keeps the other fields', () => {
    expect(registry.upcast(placed(1, { total: 12 }))).toEqual({
      eventId: 'e-1',
      type: 'OrderPlaced',
      schemaVersion: 3,
      data: { amount: { value: 12, currency: 'EUR' } },
    });
  });

  it('starts the chain at the recorded version', () => {
    expect(registry.upcast(placed(2, { total: 5, currency: 'USD' }))).toMatchObject({
      schemaVersion: 3,
      data: { amount: { value: 5, currency: 'USD' } },
    });
  });

  it('returns the event itself when it is current or no upcaster knows it', () => {
    const current = placed(3, { amount: { value: 1, currency: 'EUR' } });
    const unknown = { type: 'Unknown', schemaVersion: 1, data: {} };

    expect(registry.upcast(current)).toBe(current);
    expect(registry.upcast(unknown)).toBe(unknown);
    expect(NO_UPCASTING.upcast(placed(1, {}))).toEqual(placed(1, {}));
  });

  it('upcasts each type along its own chain', () => {
    expect(registry.upcast({ type: 'ItemAdded', schemaVersion: 1, data: {} })).toEqual({
      type: 'ItemAdded',
      schemaVersion: 2,
      data: { quantity: 1 },
    });
  });

  it('does not change the event it was given', () => {
    const original = placed(1, { total: 1 });
    registry.upcast(original);
    expect(original).toEqual(placed(1, { total: 1 }));
  });

  it.each([
    [[{ type: '', fromSchemaVersion: 1, upcast: (d: unknown) => d }]],
    [[{ type: 'A', fromSchemaVersion: 0, upcast: (d: unknown) => d }]],
    [
      [
        { type: 'A', fromSchemaVersion: 1, upcast: (d: unknown) => d },
        { type: 'A', fromSchemaVersion: 1, upcast: (d: unknown) => d },
      ],
    ],
  ])('refuses an invalid or ambiguous registry %#', (upcasters) => {
    expect(() => createUpcasterRegistry(upcasters)).toThrow(TypeError);
  });
});
