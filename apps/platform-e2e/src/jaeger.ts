import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { workspaceRoot } from '@platform/testing';

/** The local Jaeger (deploy/local/jaeger.sh): OTLP/HTTP in, the query API out. */
export const jaeger = {
  queryUrl: process.env.JAEGER_QUERY_URL ?? 'http://127.0.0.1:16686',
  otlpEndpoint: process.env.JAEGER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318',
};

/** One span as the test sees it: its service, its kind, its name and its tags. */
export interface TraceSpan {
  readonly traceId: string;
  readonly service: string;
  readonly kind: string;
  readonly name: string;
  readonly tags: Readonly<Record<string, unknown>>;
}

interface JaegerTrace {
  readonly traceID: string;
  readonly spans: readonly {
    readonly traceID: string;
    readonly operationName: string;
    readonly processID: string;
    readonly tags: readonly { readonly key: string; readonly value: unknown }[];
  }[];
  readonly processes: Readonly<Record<string, { readonly serviceName: string }>>;
}

const answers = async (url: string): Promise<boolean> => {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
};

/**
 * Makes sure the local Jaeger runs: one already answering (`infra.sh start --with-jaeger`, shared
 * by every checkout on the machine) is used as it is; otherwise `infra.sh start jaeger` starts
 * this checkout's (building it first if `infra.sh build-jaeger` has not: `npm test` builds it
 * during set-up, so the build is never paid inside a test's timeout there).
 */
export async function ensureJaeger(): Promise<void> {
  if (await answers(`${jaeger.queryUrl}/api/services`)) return;
  await promisify(execFile)('bash', ['deploy/local/infra.sh', 'start', 'jaeger'], {
    cwd: workspaceRoot,
    timeout: 30 * 60_000,
  });
}

/** The spans of a trace as Jaeger has them so far (none while it has not ingested any). */
export async function traceSpans(traceId: string): Promise<TraceSpan[]> {
  const response = await fetch(`${jaeger.queryUrl}/api/traces/${traceId}`);
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`GET /api/traces/${traceId}: ${response.status}`);
  const { data } = (await response.json()) as { data: readonly JaegerTrace[] };
  return data.flatMap((trace) =>
    trace.spans.map((span) => {
      const tags = Object.fromEntries(span.tags.map((tag) => [tag.key, tag.value]));
      return {
        traceId: span.traceID,
        service: trace.processes[span.processID]?.serviceName ?? '?',
        kind: typeof tags['span.kind'] === 'string' ? tags['span.kind'] : 'internal',
        name: span.operationName,
        tags,
      };
    }),
  );
}

/** A statement or connection span of the `pg` instrumentation: how many depends on pooling and leases. */
export const isStatement = (span: TraceSpan): boolean => /^pg[.-]/.test(span.name);

/**
 * `service kind` of every span but the `pg` instrumentation's, each once, sorted: what a trace is
 * made of. The event relay runs in whichever of the command services and the registry leads, so
 * its spans (the only senders of `*.events`) count as `relay producer`.
 */
export const shapeOf = (spans: readonly TraceSpan[]): string[] =>
  [
    ...new Set(
      spans
        .filter((span) => !isStatement(span))
        .map((span) =>
          span.kind === 'producer' && /\.events$/.test(span.name)
            ? 'relay producer'
            : `${span.service} ${span.kind}`,
        ),
    ),
  ].sort();
