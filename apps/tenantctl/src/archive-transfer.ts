import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { ApiResult, Connection } from './api-client';

/** What a transfer reports while it runs. */
export interface TransferProgress {
  readonly bytes: number;
  /** Lines of the archive seen so far (an export: about one per event). */
  readonly lines?: number;
  readonly totalBytes?: number;
}

/**
 * Streams `GET /v1/tenants/{tenant}/export` into `file`, reporting bytes and archive lines as they
 * arrive: the archive never sits in memory. A problem answer comes back as the result.
 */
export async function downloadArchive(
  connection: Connection,
  tenant: string,
  file: string,
  onProgress: (progress: TransferProgress) => void,
): Promise<ApiResult> {
  const response = await fetch(new URL(`/v1/tenants/${encodeURIComponent(tenant)}/export`, connection.url), {
    headers: { authorization: `Bearer ${connection.token}` },
  });
  if (!response.ok || response.body === null)
    return { status: response.status, body: await bodyOf(response) };
  let bytes = 0;
  let lines = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      onProgress({ bytes, lines });
      done(null, chunk);
    },
  });
  const copy = new PassThrough();
  const lineCounter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (let index = chunk.indexOf(10); index >= 0; index = chunk.indexOf(10, index + 1)) lines += 1;
      done();
    },
  });
  counted.pipe(copy);
  await Promise.all([
    pipeline(Readable.fromWeb(response.body as never), counted, createWriteStream(file)),
    pipeline(copy, createGunzip(), lineCounter),
  ]);
  onProgress({ bytes, lines });
  return { status: response.status, body: { file, bytes, lines } };
}

/** Streams `file` to `POST /v1/tenants/import?slug=…`, reporting the bytes sent. */
export async function uploadArchive(
  connection: Connection,
  file: string,
  target: { readonly slug: string; readonly name?: string },
  onProgress: (progress: TransferProgress) => void,
): Promise<ApiResult> {
  const totalBytes = (await stat(file)).size;
  let bytes = 0;
  const source = createReadStream(file);
  source.on('data', (chunk: Buffer | string) => {
    bytes += chunk.length;
    onProgress({ bytes, totalBytes });
  });
  const query = new URLSearchParams({
    slug: target.slug,
    ...(target.name !== undefined && { name: target.name }),
  });
  const response = await fetch(new URL(`/v1/tenants/import?${query.toString()}`, connection.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${connection.token}`, 'content-type': 'application/gzip' },
    body: Readable.toWeb(source) as never,
    duplex: 'half',
  });
  return { status: response.status, body: await bodyOf(response) };
}

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return text;
  }
}
