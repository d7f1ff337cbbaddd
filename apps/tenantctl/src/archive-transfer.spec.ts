import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { downloadArchive, uploadArchive, type TransferProgress } from './archive-transfer';

// The transfers against an in-process HTTP server standing in for the gateway.

const archive = gzipSync('{"kind":"header"}\n{"kind":"event"}\n{"kind":"event"}\n{"kind":"manifest"}\n');

describe('archive transfer', () => {
  let server: Server;
  let url: string;
  let directory: string;
  let received: { path?: string; contentType?: string; body: Buffer } = { body: Buffer.alloc(0) };

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'tenantctl-'));
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received = {
          path: request.url,
          contentType: request.headers['content-type'],
          body: Buffer.concat(chunks),
        };
        if (request.url === '/v1/tenants/acme/export') {
          response.writeHead(200, { 'content-type': 'application/gzip' }).end(archive);
        } else if (request.url === '/v1/tenants/ghost/export') {
          response.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"status":404}');
        } else {
          response.writeHead(201, { 'content-type': 'application/json' }).end('{"events":2}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  it('writes the archive to the file as it comes, counting bytes and lines', async () => {
    const file = path.join(directory, 'acme.ndjson.gz');
    const progress: TransferProgress[] = [];
    const result = await downloadArchive({ url, token: 't' }, 'acme', file, (p) => progress.push(p));
    expect(result).toEqual({ status: 200, body: { file, bytes: archive.length, lines: 4 } });
    expect(await readFile(file)).toEqual(archive);
    expect(progress.at(-1)).toEqual({ bytes: archive.length, lines: 4 });
  });

  it('answers a problem as it came', async () => {
    const result = await downloadArchive(
      { url, token: 't' },
      'ghost',
      path.join(directory, 'x'),
      () => undefined,
    );
    expect(result).toEqual({ status: 404, body: { status: 404 } });
  });

  it('sends the file as application/gzip to the import route with the new slug', async () => {
    const file = path.join(directory, 'acme.ndjson.gz');
    const result = await uploadArchive(
      { url, token: 't' },
      file,
      { slug: 'acme-2', name: 'Acme 2' },
      () => undefined,
    );
    expect(result).toEqual({ status: 201, body: { events: 2 } });
    expect(received.path).toBe('/v1/tenants/import?slug=acme-2&name=Acme+2');
    expect(received.contentType).toBe('application/gzip');
    expect(received.body).toEqual(archive);
  });
});
