import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { describeKind, refusedAddressKind } from './address-ranges';
import { type AllowedHost, isAllowedHost, parseAllowedHosts } from './allowed-hosts';
import { type UrlVerdict, checkWebhookUrl } from './webhook-url-policy';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** A host name's addresses, as `dns.lookup(hostname, { all: true })` gives them. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true });

/** A delivery refused before connecting: its host is, or resolves to, an address webhooks may not reach. */
export class WebhookAddressRefused extends Error {
  readonly code = 'ERR_WEBHOOK_ADDRESS_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'WebhookAddressRefused';
  }
}

export interface WebhookEgressOptions {
  /**
   * Hosts (`host` or `host:port`, comma-separated or as a list) that webhooks may reach over plain
   * `http` and at any address, private ones included: `WEBHOOK_ALLOWED_HOSTS`. Default: none.
   */
  readonly allowedHosts?: string | readonly string[];
  /** Resolves host names; default `dns.lookup`. Tests inject a stub. */
  readonly resolve?: Resolver;
  /** Gives up connecting after this; default 10 s. */
  readonly connectTimeoutMs?: number;
}

/**
 * Where webhooks may go, and the only way they get there. Every new connection resolves the host,
 * checks every address it resolves to (loopback, private, link-local, multicast, unspecified,
 * broadcast and reserved addresses are refused, in IPv4 and IPv6 and in IPv6 forms carrying an
 * IPv4 address) and connects to the checked address itself: a DNS answer that changes between the
 * check and the connection (DNS rebinding) cannot redirect it. TLS still verifies the certificate
 * of, and sends SNI and `Host` for, the URL's host name. Hosts on the operator's allow-list skip
 * the address check (and may use `http`).
 *
 * @example
 * const egress = new WebhookEgress({ allowedHosts: process.env.WEBHOOK_ALLOWED_HOSTS });
 * egress.checkUrl('http://169.254.169.254/latest'); // { ok: false, reason: 'must use https …' }
 * await request(url, { dispatcher: egress.dispatcher }); // rejects with WebhookAddressRefused for a private address
 */
export class WebhookEgress {
  readonly allowedHosts: readonly AllowedHost[];
  private readonly resolve: Resolver;
  private readonly connectTimeoutMs: number;
  private agent: Agent | undefined;

  constructor(options: WebhookEgressOptions = {}) {
    this.allowedHosts = parseAllowedHosts(options.allowedHosts ?? []);
    this.resolve = options.resolve ?? systemResolver;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  /** The checks that need no DNS (see {@link checkWebhookUrl}). */
  checkUrl(url: unknown): UrlVerdict {
    return checkWebhookUrl(url, this.allowedHosts);
  }

  /**
   * The address to connect to for `hostname` (bare, as a URL's hostname without brackets) on `port`:
   * resolved, every answer checked, the first returned. Throws {@link WebhookAddressRefused} if any
   * answer is refused, and the resolver's error if there is none.
   */
  async addressFor(hostname: string, port: number): Promise<ResolvedAddress> {
    const family = isIP(hostname);
    const urlHost = family === 6 ? `[${hostname}]` : hostname.toLowerCase();
    const allowListed = isAllowedHost(this.allowedHosts, urlHost, port);
    const answers = family !== 0 ? [{ address: hostname, family }] : await this.resolve(hostname);
    const first = answers[0];
    if (!first) throw new Error(`${hostname} has no address`);
    if (allowListed) return first;
    for (const { address } of answers) {
      const kind = refusedAddressKind(address);
      if (kind === undefined) continue;
      throw new WebhookAddressRefused(
        family !== 0
          ? `${urlHost} is ${describeKind(kind)}`
          : `${hostname} resolves to ${address}, ${describeKind(kind)}`,
      );
    }
    return first;
  }

  /** The undici dispatcher that connects only to checked addresses. */
  get dispatcher(): Dispatcher {
    this.agent ??= new Agent({ connect: this.connector() });
    return this.agent;
  }

  async close(): Promise<void> {
    await this.agent?.close();
    this.agent = undefined;
  }

  private connector(): buildConnector.connector {
    const connect = buildConnector({ timeout: this.connectTimeoutMs });
    return (options, callback) => {
      const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
      this.addressFor(options.hostname, port).then(
        ({ address }) =>
          connect(
            {
              ...options,
              hostname: address,
              // certificate, SNI and session cache for the name, not the address
              ...(isIP(options.hostname) === 0 && { servername: options.servername ?? options.hostname }),
            },
            callback,
          ),
        (error: Error) => callback(error, null),
      );
    };
  }
}

/** The refusal in `error` or its causes, if a check refused the connection. */
export function refusalIn(error: unknown): WebhookAddressRefused | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof WebhookAddressRefused) return e;
  }
  return undefined;
}
