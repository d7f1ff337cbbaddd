import { manifestFormatOf } from '@platform/tenants-domain';
import type { Refusal } from '@platform/command-handling';

/**
 * The manifest's text as it arrived: a YAML body reaches the route as a string (the server keeps
 * YAML as text), a JSON body already parsed, so it is serialised back for the one parser. Any
 * other media type is a 415.
 */
export function manifestText(
  body: unknown,
  contentType: string | undefined,
): { ok: true; text: string } | { ok: false; refusal: Refusal } {
  const format = manifestFormatOf(contentType);
  if (format === undefined) {
    return {
      ok: false,
      refusal: {
        kind: 'unsupportedMediaType',
        code: 'unsupported-media-type',
        detail: 'a manifest is application/yaml (or text/yaml) or application/json',
      },
    };
  }
  if (format === 'yaml') return typeof body === 'string' ? { ok: true, text: body } : { ok: true, text: '' };
  return { ok: true, text: typeof body === 'string' ? body : (JSON.stringify(body) ?? '') };
}
