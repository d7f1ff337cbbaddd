import { relayNameOf, relayStartOf } from './relay-naming';

describe('relay naming', () => {
  it('names one relay per store and topic prefix', () => {
    expect(relayNameOf('postgres', '')).toBe('postgres->kafka:');
    expect(relayNameOf('postgres', 'e2e-1.')).not.toBe(relayNameOf('postgres', 'e2e-2.'));
    expect(relayNameOf('postgres', 'p.')).not.toBe(relayNameOf('eventstoredb', 'p.'));
  });

  it('starts an unprefixed deployment at the beginning and a prefixed one at the end', () => {
    expect(relayStartOf('')).toBe('beginning');
    expect(relayStartOf('preview-42.')).toBe('end');
  });
});
