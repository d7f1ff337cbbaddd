import { type FieldError, fieldErrors, type TenantManifest, tenantManifestSchema } from '@platform/contracts';
import { LineCounter, parseDocument } from 'yaml';
import { manifestHash } from './manifest-hash';

export interface ManifestRejection {
  readonly kind: 'validation' | 'unsupportedMediaType';
  readonly code: 'manifest-syntax' | 'manifest-invalid' | 'unsupported-media-type';
  readonly detail: string;
  /** Where and what: `/spec/plan`, or `/` for the document as a whole (syntax, wrong shape). */
  readonly errors: readonly FieldError[];
}

export type ParsedManifest =
  | { readonly ok: true; readonly manifest: TenantManifest; readonly hash: string }
  | { readonly ok: false; readonly rejection: ManifestRejection };

export type ManifestFormat = 'yaml' | 'json';

const YAML_MEDIA_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']);

/** `application/json` (or `…+json`) is JSON; `application/yaml` and its aliases (or `…+yaml`) YAML. */
export function manifestFormatOf(contentType: string | undefined): ManifestFormat | undefined {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return 'json';
  if (YAML_MEDIA_TYPES.has(mediaType) || mediaType.endsWith('+yaml')) return 'yaml';
  return undefined;
}

/**
 * Reads a tenant manifest sent as YAML or JSON, validates it and computes its canonical hash. Never
 * throws: a body that is not a valid manifest yields a rejection listing every problem with its
 * path. The format, annotated ({@link MANIFEST_EXAMPLE} is the same without comments):
 *
 * ```yaml
 * apiVersion: tenantflow/v1    # the only version so far
 * kind: Tenant
 * metadata:
 *   slug: acme                 # the tenant's slug; must be the one in the URL
 * spec:
 *   name: Acme Inc
 *   plan: standard             # free | standard | enterprise
 *   isolation: schema          # shared | schema | dedicated; fixed once created
 *   region: eu-west-1          # one of the allowed regions; fixed once created
 *   status: active             # active | suspended; optional, active when left out
 * ```
 *
 * Unknown fields are errors. The hash covers `spec` only, with defaults applied, so the same
 * desired tenant hashes the same in YAML or JSON and in any key order.
 */
export function parseManifest(text: string, contentType: string | undefined): ParsedManifest {
  const format = manifestFormatOf(contentType);
  if (format === undefined) {
    return reject('unsupportedMediaType', 'unsupported-media-type', 'a manifest is YAML or JSON', [
      { path: '/', message: `content type ${contentType ?? '(none)'} is neither YAML nor JSON` },
    ]);
  }
  const document = format === 'yaml' ? readYaml(text) : readJson(text);
  if (!document.ok) {
    return reject(
      'validation',
      'manifest-syntax',
      `the manifest is not valid ${format.toUpperCase()}`,
      document.errors,
    );
  }
  const manifest = tenantManifestSchema.safeParse(document.value);
  if (!manifest.success) {
    return reject('validation', 'manifest-invalid', 'the manifest is not valid', fieldErrors(manifest.error));
  }
  return { ok: true, manifest: manifest.data, hash: manifestHash(manifest.data.spec) };
}

type Document =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: FieldError[] };

function readYaml(text: string): Document {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      errors: document.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { path: '/', message: `line ${line}, column ${col}: ${error.message}` };
      }),
    };
  }
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: 50 }) };
  } catch (error) {
    // toJS refuses alias bombs ("billion laughs") by throwing; that is bad input, not a bug.
    return {
      ok: false,
      errors: [{ path: '/', message: error instanceof Error ? error.message : String(error) }],
    };
  }
}

function readJson(text: string): Document {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      errors: [{ path: '/', message: error instanceof Error ? error.message : String(error) }],
    };
  }
}

const reject = (
  kind: ManifestRejection['kind'],
  code: ManifestRejection['code'],
  detail: string,
  errors: readonly FieldError[],
): ParsedManifest => ({ ok: false, rejection: { kind, code, detail, errors } });
