import { Injectable, type InjectionToken, type Provider } from '@nestjs/common';

export type ReadinessCheck = () => Promise<void>;

/** The dependencies a service needs to answer; `/health/ready` is 200 only when all of them answer. */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 2_000): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          return [name, 'up'] as const;
        } catch (error) {
          return [name, `down: ${error instanceof Error ? error.message : String(error)}`] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return { ready: entries.every(([, state]) => state === 'up'), checks: Object.fromEntries(entries) };
  }
}

/**
 * A provider that registers a readiness check on a dependency resolved by `token`.
 *
 * @example
 * providers: [readinessCheck('event-store', EVENT_STORE, (store: EventStore) => store.ping())]
 */
export function readinessCheck<T>(
  name: string,
  token: InjectionToken,
  check: (dependency: T) => Promise<void>,
): Provider {
  return {
    provide: Symbol(`readiness:${name}`),
    inject: [Readiness, token],
    useFactory: (readiness: Readiness, dependency: T) => readiness.register(name, () => check(dependency)),
  };
}
