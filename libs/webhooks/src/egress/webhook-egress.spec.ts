import { type Resolver, WebhookAddressRefused, WebhookEgress, refusalIn } from './webhook-egress';

/** A DNS that answers from a table, as an attacker's name server would. */
const stubResolver =
  (table: Record<string, string[]>): Resolver =>
  async (hostname) => {
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('WebhookEgress.addressFor: resolve, check every address, connect to the checked one', () => {
  const resolve = stubResolver({
    'hooks.example.com': ['93.184.215.14', '2606:4700::1111'],
    'rebound.example.com': ['127.0.0.1'],
    'metadata.example.com': ['169.254.169.254'],
    'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
    'v6.example.com': ['::ffff:192.168.0.1'],
    'ula.example.com': ['fd00::5'],
    'internal.test': ['10.0.0.8'],
  });
  const egress = new WebhookEgress({ resolve, allowedHosts: 'internal.test:8080' });

  it('returns the first answer when every answer is public', async () => {
    await expect(egress.addressFor('hooks.example.com', 443)).resolves.toEqual({
      address: '93.184.215.14',
      family: 4,
    });
  });

  it.each([
    ['rebound.example.com', /resolves to 127\.0\.0\.1, a loopback address/],
    ['metadata.example.com', /resolves to 169\.254\.169\.254, a link-local address/],
    ['mixed.example.com', /resolves to 10\.0\.0\.7, a private address/], // one bad answer is enough
    ['v6.example.com', /resolves to ::ffff:192\.168\.0\.1, a private address/],
    ['ula.example.com', /resolves to fd00::5, a private address/],
  ])('refuses %s', async (hostname, message) => {
    const refused = egress.addressFor(hostname, 443);
    await expect(refused).rejects.toThrow(WebhookAddressRefused);
    await expect(refused).rejects.toThrow(message);
  });

  it('checks an address literal without resolving it', async () => {
    await expect(egress.addressFor('127.0.0.1', 443)).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);
    await expect(egress.addressFor('::1', 443)).rejects.toThrow(/\[::1\] is a loopback address/);
    await expect(egress.addressFor('8.8.8.8', 443)).resolves.toEqual({ address: '8.8.8.8', family: 4 });
  });

  it('lets an allow-listed host reach a private address, on the allow-listed port only', async () => {
    await expect(egress.addressFor('internal.test', 8080)).resolves.toEqual({
      address: '10.0.0.8',
      family: 4,
    });
    await expect(egress.addressFor('internal.test', 8081)).rejects.toThrow(WebhookAddressRefused);
  });

  it("passes on the resolver's error for a name without an address", async () => {
    await expect(egress.addressFor('nowhere.example.com', 443)).rejects.toThrow(/ENOTFOUND/);
    await expect(egress.addressFor('nowhere.example.com', 443)).rejects.not.toThrow(WebhookAddressRefused);
  });
});

describe('refusalIn', () => {
  it('finds a refusal in the causes of an error', () => {
    const refusal = new WebhookAddressRefused('x is a loopback address');
    expect(refusalIn(refusal)).toBe(refusal);
    expect(refusalIn(new Error('fetch failed', { cause: refusal }))).toBe(refusal);
    expect(refusalIn(new Error('ECONNREFUSED'))).toBeUndefined();
  });
});
