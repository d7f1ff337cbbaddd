import type { JsonSchema, OpenApiDocument } from './openapi-document';

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A string field of the document, or nothing. */
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const block = (value: unknown): string => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;

function operationHtml(method: string, path: string, operation: JsonSchema): string {
  const parameters = (operation.parameters as JsonSchema[] | undefined) ?? [];
  const body = (operation.requestBody as { content?: Record<string, { schema: unknown }> } | undefined)
    ?.content;
  const responses = (operation.responses as Record<string, JsonSchema> | undefined) ?? {};
  const rows = parameters
    .map(
      (p) =>
        `<tr><td><code>${escape(text(p.name))}</code></td><td>${escape(text(p.in))}</td>` +
        `<td>${p.required ? 'yes' : ''}</td><td><code>${escape(JSON.stringify(p.schema))}</code></td></tr>`,
    )
    .join('');
  const answers = Object.entries(responses)
    .map(([status, response]) => {
      const content = response.content as Record<string, { schema: unknown }> | undefined;
      const [type, media] = Object.entries(content ?? {})[0] ?? [];
      return `<details><summary><b>${escape(status)}</b> ${escape(text(response.description))}${
        type ? ` <code>${escape(type)}</code>` : ''
      }</summary>${media ? block(media.schema) : ''}</details>`;
    })
    .join('');
  const id = escape(text(operation.operationId));
  return `<section id="${id}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>
<p>${escape(text(operation.summary))}${operation.description ? ` — ${escape(text(operation.description))}` : ''}</p>
<p class="access">access: <code>${escape(text(operation['x-access']))}</code></p>
${rows ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${rows}</table>` : ''}
${body ? `<h4>body</h4>${block(Object.values(body)[0]?.schema)}` : ''}
<h4>responses</h4>${answers}</section>`;
}

/**
 * A self-contained HTML reference of an OpenAPI document: no script, no stylesheet or font from
 * elsewhere, so it is browsable where no CDN is reachable. Pure.
 */
export function referencePage(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
  const index = operations
    .map(
      ({ path, method, operation }) =>
        `<li><a href="#${escape(text(operation.operationId))}">${method.toUpperCase()} ${escape(path)}</a></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)} API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1000px;padding:1rem 2rem;color:#222}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;font-size:12px}table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;font-size:13px}section{border-top:1px solid #ccc;margin-top:1.5rem}
.m{display:inline-block;min-width:4.5em;color:#fff;border-radius:3px;padding:0 .3em;font-size:13px;text-align:center}
.get{background:#2b7bb9}.post{background:#2e8b57}.put{background:#b8860b}.patch{background:#8a2be2}.delete{background:#c0392b}
.access{color:#666;font-size:13px}
</style></head><body>
<h1>${escape(document.info.title)} <small>v${escape(document.info.version)}</small></h1>
<p>${escape(document.info.description ?? '')}</p>
<p>The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${document.openapi}).</p>
<ul>${index}</ul>
${operations.map(({ path, method, operation }) => operationHtml(method, path, operation)).join('\n')}
</body></html>
`;
}
