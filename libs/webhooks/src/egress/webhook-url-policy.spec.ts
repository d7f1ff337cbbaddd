import { parseAllowedHosts } from './allowed-hosts';
import { checkWebhookUrl } from './webhook-url-policy';

const reason = (url: unknown, allowed = ''): string | undefined => {
  const verdict = checkWebhookUrl(url, parseAllowedHosts(allowed));
  return verdict.ok ? undefined : verdict.reason;
};

describe('checkWebhookUrl', () => {
  it.each(['https://example.com/hooks', 'https://93.184.215.14:8443/h', 'https://[2606:4700::1111]/h'])(
    'accepts %s',
    (url) => {
      expect(reason(url)).toBeUndefined();
    },
  );

  it.each([
    ['https://127.0.0.1/v1/tenants', 'loopback'],
    ['https://[::1]/', 'loopback'],
    ['https://[::ffff:127.0.0.1]/', 'loopback'], // IPv4-mapped
    ['https://[::127.0.0.1]/', 'loopback'], // IPv4-compatible
    ['https://2130706433/', 'loopback'], // decimal
    ['https://0177.0.0.1/', 'loopback'], // octal
    ['https://0x7f.0.0.1/', 'loopback'], // hex
    ['https://0x7f000001/', 'loopback'],
    ['https://127.1/', 'loopback'], // short form
    ['https://localhost/', 'loopback'],
    ['https://LOCALHOST./', 'loopback'],
    ['https://api.localhost/', 'loopback'],
    ['https://10.1.2.3/', 'private'],
    ['https://172.16.0.1/', 'private'],
    ['https://192.168.0.1/', 'private'],
    ['https://100.64.1.1/', 'private'],
    ['https://[fd00::1]/', 'private'],
    ['https://[::ffff:10.0.0.1]/', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'link-local'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://[::ffff:169.254.169.254]/', 'link-local'],
    ['https://224.0.0.1/', 'multicast'],
    ['https://[ff02::1]/', 'multicast'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://0/', 'unspecified'],
    ['https://[::]/', 'unspecified'],
    ['https://255.255.255.255/', 'broadcast'],
  ])('refuses %s (%s)', (url, kind) => {
    expect(reason(url)).toMatch(new RegExp(`is (a|an|the) ${kind} address$`));
  });

  it('requires https, unless the allow-list names the host', () => {
    expect(reason('http://example.com/hooks')).toMatch(/must use https/);
    expect(reason('http://127.0.0.1:8085/v1/tenants')).toMatch(/must use https/);
    expect(reason('http://example.com/hooks', 'example.com')).toBeUndefined();
  });

  it('lets an allow-listed host use any address, on the port the entry names', () => {
    expect(reason('http://127.0.0.1:9000/hooks', '127.0.0.1:9000')).toBeUndefined();
    expect(reason('http://2130706433:9000/hooks', '127.0.0.1:9000')).toBeUndefined();
    expect(reason('http://127.0.0.1:9001/hooks', '127.0.0.1:9000')).toMatch(/must use https/);
    expect(reason('https://127.0.0.1:9001/hooks', '127.0.0.1:9000')).toMatch(/loopback/);
    expect(reason('http://[::1]:8080/', '[::1]')).toBeUndefined();
    expect(reason('http://localhost/', '127.0.0.1')).toMatch(/must use https/);
  });

  it.each([
    'ftp://example.com',
    'example.com/hooks',
    '',
    42,
    'https://user:pw@example.com',
    'https://:pw@example.com',
  ])('refuses %p', (url) => {
    expect(reason(url)).toBeDefined();
  });
});
