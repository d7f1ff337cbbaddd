import { toKurrentConnectionString } from './kurrent-client';

describe('toKurrentConnectionString', () => {
  it('renames the former esdb schemes, keeping the rest', () => {
    expect(toKurrentConnectionString('esdb://localhost:2113?tls=false')).toBe(
      'kurrentdb://localhost:2113?tls=false',
    );
    expect(toKurrentConnectionString('esdb+discover://a:2113,b:2113')).toBe(
      'kurrentdb+discover://a:2113,b:2113',
    );
    expect(toKurrentConnectionString('ESDB://host')).toBe('kurrentdb://host');
  });

  it('leaves current schemes alone', () => {
    for (const url of ['kurrentdb://host:2113', 'kurrentdb+discover://host', 'kdb://host', 'user:esdb://x']) {
      expect(toKurrentConnectionString(url)).toBe(url);
    }
  });
});
