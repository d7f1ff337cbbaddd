// Canonical JSON in the spirit of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no
// whitespace, numbers and strings as JSON.stringify writes them. Equal values give equal text, which
// is what a hash over a record needs; PostgreSQL's jsonb (which reorders keys) round-trips it.

/**
 * Serialises a JSON value canonically. Object properties whose value is `undefined` are left out,
 * as JSON.stringify does; anything JSON cannot represent exactly is refused with a TypeError: NaN and
 * ±Infinity, bigint, functions, symbols, `undefined` elsewhere, Dates, Maps and other class
 * instances, cycles.
 *
 * @example
 * canonicalJson({ b: [1, 'x'], a: null }); // '{"a":null,"b":[1,"x"]}'
 */
export function canonicalJson(value: unknown): string {
  try {
    return writeFast(value, 0);
  } catch (error) {
    if (!(error instanceof NotJson)) throw error;
    // again, slowly, to say where: building every path on the way costs more than the rest
    return write(value, '$', new Set());
  }
}

/**
 * Throws the TypeError {@link canonicalJson} would throw for a value that is not JSON, without
 * writing anything when it is (a walk, no text): for checks ahead of the serialisation.
 */
export function assertJsonValue(value: unknown): void {
  if (!isJson(value, 0)) write(value, '$', new Set());
}

/** Thrown by the fast writer; the slow one then finds the path and says what is wrong. */
class NotJson extends Error {}

/** Deeper than this is taken for a cycle on the fast paths (the slow writer then tells which). */
const MAX_FAST_DEPTH = 256;

/** Printable ASCII without `"` and `\`: JSON.stringify would write it between quotes as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * The hot path (a record's states are serialised for its hash and its row): no path strings and no
 * set of ancestors, only a depth bound; keys sorted only when they are not in order already.
 */
function writeFast(value: unknown, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NotJson();
      return String(value); // as JSON.stringify writes a finite number
    case 'object':
      break;
    default:
      throw new NotJson();
  }
  if (depth > MAX_FAST_DEPTH) throw new NotJson();
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i += 1) text += (i === 0 ? '' : ',') + writeFast(value[i], depth + 1);
    return `${text}]`;
  }
  if (!isPlainObject(value)) throw new NotJson();
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!inOrder(keys)) keys.sort(byCodeUnits);
  let text = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    text += `${first ? '' : ','}${PLAIN.test(key) ? `"${key}"` : JSON.stringify(key)}:${writeFast(item, depth + 1)}`;
    first = false;
  }
  return `${text}}`;
}

/** What {@link writeFast} accepts, without writing it. */
function isJson(value: unknown, depth: number): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (depth > MAX_FAST_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isJson(item, depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value)) return false;
  for (const item of Object.values(value as Record<string, unknown>)) {
    if (item !== undefined && !isJson(item, depth + 1)) return false;
  }
  return true;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i += 1) if (byCodeUnits(keys[i - 1]!, keys[i]!) > 0) return false;
  return true;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function write(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object':
      return writeContainer(value, path, ancestors);
    default:
      throw new TypeError(`${path}: a ${typeof value} is not a JSON value`);
  }
}

function writeContainer(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new TypeError(`${path}: cyclic structure`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item: unknown, index) => write(item, `${path}[${index}]`, ancestors)).join(',')}]`;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError(`${path}: only plain objects are JSON objects`);
    }
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const members = entries.map(
      ([key, item]) => `${JSON.stringify(key)}:${write(item, `${path}.${key}`, ancestors)}`,
    );
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}
