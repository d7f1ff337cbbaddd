/**
 * Turns the data of one event type from one schema version into the next (`fromSchemaVersion + 1`).
 * A pure function of the old data: no clock, no I/O.
 */
export interface Upcaster {
  readonly type: string;
  readonly fromSchemaVersion: number;
  upcast(data: unknown): unknown;
}

/** The part of an event that upcasting reads and replaces. */
export interface Upcastable {
  type: string;
  schemaVersion: number;
  data: unknown;
}

/**
 * Brings events recorded with an older schema version to the current shape, on read.
 *
 * @example
 * ```ts
 * const upcasters = createUpcasterRegistry([
 *   { type: 'OrderPlaced', fromSchemaVersion: 1, upcast: (data) => ({ ...(data as V1), currency: 'EUR' }) },
 *   { type: 'OrderPlaced', fromSchemaVersion: 2, upcast: (data) => renameTotal(data as V2) },
 * ]);
 * const store = await PostgresEventStore.create({ connectionString, upcasters });
 * // a v1 OrderPlaced is read as v3
 * ```
 */
export interface UpcasterRegistry {
  /**
   * `event` with its data and schema version upcast as far as the chain goes; the same object when
   * no upcaster applies.
   */
  upcast<E extends Upcastable>(event: E): E;
}

/**
 * A registry of upcasters, chained per type: v1 → v2 → v3. Refuses two upcasters for the same type
 * and version, and a version that is not an integer >= 1.
 */
export function createUpcasterRegistry(upcasters: readonly Upcaster[]): UpcasterRegistry {
  const byStep = new Map<string, Upcaster>();
  for (const upcaster of upcasters) {
    const { type, fromSchemaVersion } = upcaster;
    if (typeof type !== 'string' || type === '') throw new TypeError('an upcaster needs an event type');
    if (!Number.isSafeInteger(fromSchemaVersion) || fromSchemaVersion < 1) {
      throw new TypeError(`upcaster of ${type}: fromSchemaVersion must be an integer >= 1`);
    }
    const key = stepKey(type, fromSchemaVersion);
    if (byStep.has(key))
      throw new TypeError(`two upcasters of ${type} from schema version ${fromSchemaVersion}`);
    byStep.set(key, upcaster);
  }

  return {
    upcast<E extends Upcastable>(event: E): E {
      let step = byStep.get(stepKey(event.type, event.schemaVersion));
      if (step === undefined) return event;
      let { data, schemaVersion } = event;
      while (step !== undefined) {
        data = step.upcast(data);
        schemaVersion += 1;
        step = byStep.get(stepKey(event.type, schemaVersion));
      }
      return { ...event, data, schemaVersion };
    },
  };
}

/** Reads every event as it was recorded. */
export const NO_UPCASTING: UpcasterRegistry = createUpcasterRegistry([]);

const stepKey = (type: string, fromSchemaVersion: number): string => `${fromSchemaVersion}:${type}`;
