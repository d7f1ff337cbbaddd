import type { GlobalEvent } from '@platform/event-store';
import { routeByRegistry } from './event-routing';

const withType = (type: string): GlobalEvent => ({ type }) as GlobalEvent;

describe('routeByRegistry', () => {
  it.each([
    ['OrderCreated', { topic: 'orders.events', ceType: 'orders.OrderCreated' }],
    ['OrderItemAdded', { topic: 'orders.events', ceType: 'orders.OrderItemAdded' }],
    ['TenantActivated', { topic: 'tenants.lifecycle', ceType: 'tenants.TenantActivated' }],
    ['orders.OrderCreated', { topic: 'orders.events', ceType: 'orders.OrderCreated' }],
  ])('routes %s by the contracts registry', (type, route) => {
    expect(routeByRegistry(withType(type))).toEqual(route);
  });

  it.each(['CreateOrder', 'orders.CreateOrder', 'SomethingHappened', 'inventory.OrderCreated', ''])(
    'has no route for %p (not a registered event)',
    (type) => {
      expect(routeByRegistry(withType(type))).toBeUndefined();
    },
  );
});
