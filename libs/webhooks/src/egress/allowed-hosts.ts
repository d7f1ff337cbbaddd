/** A host an operator lets webhooks reach over plain `http` and at any address; any port if none. */
export interface AllowedHost {
  /** As a URL's `hostname` spells it: lower case, IPv4 in dotted decimal, IPv6 in brackets. */
  readonly hostname: string;
  readonly port?: number;
}

const ENTRY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;

/**
 * Parses `WEBHOOK_ALLOWED_HOSTS`: a comma-separated list of `host` or `host:port` (IPv6 in brackets,
 * `[::1]:8080`); empty for none. Hosts are normalised as a URL's host is (`2130706433` is
 * `127.0.0.1`). Throws a TypeError naming the first bad entry.
 *
 * @example
 * parseAllowedHosts('127.0.0.1:9000, hooks.internal'); // [{ hostname: '127.0.0.1', port: 9000 }, { hostname: 'hooks.internal' }]
 */
export function parseAllowedHosts(list: string | readonly string[]): AllowedHost[] {
  const entries = typeof list === 'string' ? list.split(',') : list;
  return entries
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = ENTRY.exec(entry);
      let hostname: string | undefined;
      try {
        hostname = match?.[1] ? new URL(`http://${match[1]}/`).hostname : undefined;
      } catch {
        hostname = undefined;
      }
      const port = match?.[2] === undefined ? undefined : Number(match[2]);
      if (hostname === undefined || hostname === '' || (port !== undefined && (port < 1 || port > 65_535))) {
        throw new TypeError(`"${entry}" is not a host or host:port`);
      }
      return port === undefined ? { hostname } : { hostname, port };
    });
}

/** The port a URL connects to: its own, or its scheme's. */
export const portOf = (url: URL): number =>
  url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;

/** Whether the allow-list names `url`'s host (on its port, if the entry has one). */
export function isAllowedHost(allowed: readonly AllowedHost[], hostname: string, port: number): boolean {
  return allowed.some(
    (entry) => entry.hostname === hostname && (entry.port === undefined || entry.port === port),
  );
}
