import { ProblemError } from './problems';

/**
 * Conditional requests (RFC 9110 §13) on versioned resources, orders and tenants: their `ETag` is
 * the strong entity tag `"<version>"`, the number of events in their stream. Commands take
 * `If-Match` (the gateway, the registry, and the command service, which gets the same value in the
 * `ce_ifmatch` CloudEvents extension); reads take `If-None-Match`. One parser for all of them.
 */

/** One entity tag: `"3"` (strong) or `W/"3"` (weak); `opaque` is what is between the quotes. */
export interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

/** A parsed `If-Match` / `If-None-Match`: `*`, or a list of entity tags. */
export type EntityTagCondition =
  { readonly kind: 'any' } | { readonly kind: 'tags'; readonly tags: readonly EntityTag[] };

export type EntityTagConditionParse =
  | { readonly ok: true; readonly condition: EntityTagCondition }
  | { readonly ok: false; readonly message: string };

/** The `ETag` of a resource at `version`. */
export const versionETag = (version: number): string => `"${version}"`;

/** The condition "exactly at `version`", as `If-Match: "<version>"` states it. */
export const atVersion = (version: number): EntityTagCondition => ({
  kind: 'tags',
  tags: [{ weak: false, opaque: String(version) }],
});

// etagc = %x21 / %x23-7E / obs-text: any visible character but DQUOTE (a comma is one of them).
const ETAGC = /[\x21\x23-\x7e\x80-\xff]/;
const OWS = /[ \t]/;

/**
 * Parses the field value of `If-Match` or `If-None-Match` (`"*" / #entity-tag`). Empty list
 * elements are ignored, as RFC 9110 §5.6.1 asks; a value with no tag at all, `*` mixed with tags,
 * or anything that is not an entity tag (an unquoted `3`, a stray quote) is malformed.
 *
 * @example
 * parseEntityTagCondition('"3", W/"2"'); // { ok: true, condition: { kind: 'tags', tags: [...] } }
 * parseEntityTagCondition('3');          // { ok: false, message: 'expected "*" or entity tags ...' }
 */
export function parseEntityTagCondition(value: string): EntityTagConditionParse {
  if (value.trim() === '*') return { ok: true, condition: { kind: 'any' } };
  const tags: EntityTag[] = [];
  let at = 0;
  const skip = (pattern: RegExp): void => {
    while (at < value.length && pattern.test(value.charAt(at))) at++;
  };
  const malformed = (): EntityTagConditionParse => ({
    ok: false,
    message: `not an entity tag at ${JSON.stringify(value.slice(at, at + 20))}: expected "*" or entity tags such as "3"`,
  });
  for (;;) {
    // Empty list elements: OWS and commas between the tags.
    skip(/[ \t,]/);
    if (at >= value.length) break;
    const weak = value.startsWith('W/', at);
    if (weak) at += 2;
    if (value.charAt(at) !== '"') return malformed();
    const start = ++at;
    skip(ETAGC);
    if (value.charAt(at) !== '"') return malformed();
    tags.push({ weak, opaque: value.slice(start, at) });
    at++;
    skip(OWS);
    if (at < value.length && value.charAt(at) !== ',') return malformed();
  }
  if (tags.length === 0) return { ok: false, message: 'empty: expected "*" or entity tags such as "3"' };
  return { ok: true, condition: { kind: 'tags', tags } };
}

/** The condition written back as a field value (what `ce_ifmatch` carries): `*` or `"3", W/"2"`. */
export function formatEntityTagCondition(condition: EntityTagCondition): string {
  if (condition.kind === 'any') return '*';
  return condition.tags.map((tag) => `${tag.weak ? 'W/' : ''}"${tag.opaque}"`).join(', ');
}

/**
 * Whether `If-Match` lets a change through (RFC 9110 §13.1.1): `*` when the resource exists, else
 * when one of the tags is, by strong comparison, the current `ETag`. A weak tag never matches.
 * `currentVersion` 0 means the resource does not exist: then no condition holds.
 */
export function ifMatchHolds(condition: EntityTagCondition, currentVersion: number): boolean {
  if (currentVersion <= 0) return false;
  if (condition.kind === 'any') return true;
  const current = String(currentVersion);
  return condition.tags.some((tag) => !tag.weak && tag.opaque === current);
}

/**
 * Whether `If-None-Match` lets a read answer in full (RFC 9110 §13.1.2): false, i.e. `304`, when
 * one of the tags is the current `ETag` by weak comparison, or for `*` when the resource exists.
 */
export function ifNoneMatchHolds(condition: EntityTagCondition, currentVersion: number): boolean {
  if (currentVersion <= 0) return true;
  if (condition.kind === 'any') return false;
  const current = String(currentVersion);
  return !condition.tags.some((tag) => tag.opaque === current);
}

/** Why an `If-Match` did not hold, for the 412's `detail`. */
export function versionMismatchDetail(
  what: string,
  condition: EntityTagCondition,
  currentVersion: number,
): string {
  const asked = formatEntityTagCondition(condition);
  return currentVersion <= 0
    ? `${what} does not exist; If-Match: ${asked} cannot hold`
    : `${what} is at version ${currentVersion} (ETag ${versionETag(currentVersion)}); If-Match: ${asked} does not match`;
}

/**
 * The `If-Match` of an HTTP request, parsed: undefined when absent, a 400 `validation` problem when
 * malformed. Several `If-Match` fields count as one list (RFC 9110 §5.3).
 */
export function ifMatchOfHeader(
  value: string | readonly string[] | undefined,
): EntityTagCondition | undefined {
  return conditionOfHeader('if-match', value);
}

/** `If-None-Match` like {@link ifMatchOfHeader}. */
export function ifNoneMatchOfHeader(
  value: string | readonly string[] | undefined,
): EntityTagCondition | undefined {
  return conditionOfHeader('if-none-match', value);
}

function conditionOfHeader(
  name: string,
  value: string | readonly string[] | undefined,
): EntityTagCondition | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : value.join(', ');
  const parsed = parseEntityTagCondition(text);
  if (parsed.ok) return parsed.condition;
  throw new ProblemError('validation', `the ${name} header is malformed`, [
    { path: `/headers/${name}`, message: parsed.message },
  ]);
}
