import { isAllowedHost, parseAllowedHosts } from './allowed-hosts';

describe('parseAllowedHosts', () => {
  it('reads host and host:port entries, normalised as a URL host is', () => {
    expect(parseAllowedHosts(' 127.0.0.1:9000 , Hooks.Internal,[::1]:8080, 2130706433,')).toEqual([
      { hostname: '127.0.0.1', port: 9000 },
      { hostname: 'hooks.internal' },
      { hostname: '[::1]', port: 8080 },
      { hostname: '127.0.0.1' },
    ]);
    expect(parseAllowedHosts('')).toEqual([]);
    expect(parseAllowedHosts(['a.test:1'])).toEqual([{ hostname: 'a.test', port: 1 }]);
  });

  it.each(['http://a.test', 'a.test:0', 'a.test:70000', 'a.test:x', '::1', 'a b', 'a.test/x'])(
    'refuses %p',
    (entry) => {
      expect(() => parseAllowedHosts(entry)).toThrow(TypeError);
    },
  );
});

describe('isAllowedHost', () => {
  const allowed = parseAllowedHosts('127.0.0.1:9000,hooks.internal');

  it('matches the host, and the port when the entry has one', () => {
    expect(isAllowedHost(allowed, '127.0.0.1', 9000)).toBe(true);
    expect(isAllowedHost(allowed, '127.0.0.1', 9001)).toBe(false);
    expect(isAllowedHost(allowed, 'hooks.internal', 80)).toBe(true);
    expect(isAllowedHost(allowed, 'hooks.internal', 8443)).toBe(true);
    expect(isAllowedHost(allowed, 'other.internal', 80)).toBe(false);
  });
});
