import { aggregateKey, eventKey, type ParkedLookup } from '@platform/read-models';
import { decideParking, type IncomingMessage, type ParkingDecision } from './parking-decision';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const ORDER = 'aaaaaaaa-0000-4000-8000-000000000001';
const OTHER = 'aaaaaaaa-0000-4000-8000-000000000002';

const msg = (tenantId: string, key: string, eventId: string): IncomingMessage => ({ tenantId, key, eventId });

/** given(parked messages).when(incoming).then(decisions) */
function given(parked: readonly IncomingMessage[]) {
  const lookup: ParkedLookup = {
    aggregates: new Set(parked.map((m) => aggregateKey(m.tenantId, m.key))),
    eventIds: new Set(parked.map((m) => eventKey(m.tenantId, m.eventId))),
  };
  return {
    when: (incoming: readonly IncomingMessage[]) => ({
      then: (expected: readonly ParkingDecision[]) =>
        expect(decideParking(lookup, incoming)).toEqual(expected),
    }),
  };
}

describe('decideParking', () => {
  it('applies everything when nothing is parked', () => {
    given([])
      .when([msg(T1, ORDER, 'e-1'), msg(T1, OTHER, 'e-2')])
      .then(['apply', 'apply']);
  });

  it('parks a later message of a parked aggregate and applies the other keys', () => {
    given([msg(T1, ORDER, 'e-1')])
      .when([msg(T1, ORDER, 'e-2'), msg(T1, OTHER, 'e-3'), msg(T1, ORDER, 'e-4')])
      .then(['park', 'apply', 'park']);
  });

  it('applies the same aggregate id of another tenant: tenant and key make the aggregate', () => {
    given([msg(T1, ORDER, 'e-1')])
      .when([msg(T2, ORDER, 'e-2')])
      .then(['apply']);
  });

  it('leaves a redelivered parked message alone (no second row, no apply)', () => {
    given([msg(T1, ORDER, 'e-1'), msg(T1, ORDER, 'e-2')])
      .when([msg(T1, ORDER, 'E-1'), msg(T1, ORDER, 'e-2'), msg(T1, ORDER, 'e-3')])
      .then(['already-parked', 'already-parked', 'park']);
  });

  it('parks a message twice in one batch once', () => {
    given([msg(T1, ORDER, 'e-1')])
      .when([msg(T1, ORDER, 'e-2'), msg(T1, ORDER, 'e-2')])
      .then(['park', 'already-parked']);
  });

  it('does not take a parked ce_id of another tenant for a redelivery', () => {
    given([msg(T1, ORDER, 'e-1')])
      .when([msg(T2, OTHER, 'e-1')])
      .then(['apply']);
  });
});
