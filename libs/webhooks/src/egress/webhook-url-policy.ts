import { isIP } from 'node:net';
import { type AllowedHost, isAllowedHost, portOf } from './allowed-hosts';
import { describeKind, refusedAddressKind } from './address-ranges';

/** A URL webhooks may be sent to (so far as can be told without DNS), or why not. */
export type UrlVerdict =
  | { readonly ok: true; readonly url: URL; readonly allowListed: boolean }
  | { readonly ok: false; readonly reason: string };

/** `localhost` and every name under `.localhost` are the loopback interface (RFC 6761). */
const isLocalhostName = (hostname: string): boolean => /(^|\.)localhost\.?$/.test(hostname);

/**
 * The checks of a webhook URL that need no DNS, made when a subscription is created and again before
 * every delivery: an absolute `https` URL without credentials whose host, if it is an IP address (in
 * any spelling a URL parser accepts: `2130706433`, `0177.0.0.1`, `[::ffff:7f00:1]` …), is a public
 * one, and is not `localhost`. A host on the operator's allow-list may use `http` and any address.
 * Host names are resolved, and their addresses checked, when a delivery connects.
 */
export function checkWebhookUrl(url: unknown, allowed: readonly AllowedHost[]): UrlVerdict {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    return { ok: false, reason: `must be an absolute https URL; got ${JSON.stringify(url)}` };
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return { ok: false, reason: 'must not carry credentials (user:password@)' };
  }
  const { hostname } = parsed;
  if (isAllowedHost(allowed, hostname, portOf(parsed))) return { ok: true, url: parsed, allowListed: true };
  if (parsed.protocol !== 'https:') {
    return { ok: false, reason: `must use https (plain http only to a host in WEBHOOK_ALLOWED_HOSTS)` };
  }
  const literal = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(literal) !== 0) {
    const kind = refusedAddressKind(literal);
    if (kind) return { ok: false, reason: `its host ${hostname} is ${describeKind(kind)}` };
  } else if (isLocalhostName(hostname)) {
    return { ok: false, reason: `its host ${hostname} is ${describeKind('loopback')}` };
  }
  return { ok: true, url: parsed, allowListed: false };
}
