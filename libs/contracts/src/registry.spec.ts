import { ceTypeOf, findMessageDefinition, messageRegistry } from './registry';

// One naming convention for every message, checked over the registry (STYLE 4).
const PASCAL = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)*$/;
const PAST_TENSE = /(ed|Paid|Shipped|Sent|Held)$/;

describe('message registry', () => {
  it.each(messageRegistry.map((d) => [d.name, d] as const))(
    '%s follows the naming convention',
    (_name, d) => {
      expect(d.name).toMatch(PASCAL);
      if (d.kind === 'event') expect(d.name).toMatch(PAST_TENSE);
      else expect(d.name).not.toMatch(PAST_TENSE);
      expect(d.topic.startsWith(`${d.context}.`)).toBe(true);
      expect(
        d.topic.endsWith(d.kind === 'command' ? '.commands' : '.events') ||
          (d.kind === 'event' && ['tenants.lifecycle', 'tenants.storage'].includes(d.topic)),
      ).toBe(true);
      expect(d.schemaVersion).toBeGreaterThanOrEqual(1);
    },
  );

  it('has one definition per ce_type', () => {
    const types = messageRegistry.map(ceTypeOf);
    expect(new Set(types).size).toBe(types.length);
    expect(findMessageDefinition('orders.OrderCreated')?.kind).toBe('event');
    expect(findMessageDefinition('orders.Nope')).toBeUndefined();
  });
});
