import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ProblemError,
  ProblemTypes,
  problemTypeUri,
  refusedJsonText,
  type ProblemKind,
} from '@platform/contracts';
import { sendProblem } from './problem.filter';

/**
 * Request headers that carry one value: a request that repeats one is refused (400), rather than
 * Node keeping the first (`authorization`) or joining them with ', ' (`idempotency-key`), which
 * would quietly act on a value the client never sent.
 */
export const SINGLETON_HEADERS = [
  'authorization',
  'x-api-key',
  'x-tenant-id',
  'idempotency-key',
  'if-match',
  'if-none-match',
  'x-consistency-token',
  'content-type',
] as const;

/**
 * Fastify options that send the errors fastify raises before any route runs as problem+json too: a
 * path that does not decode (400), a path parameter over `maxParamLength` (414) and, on the socket,
 * a request Node's parser refuses (headers over the limit: 431, anything else: 400).
 */
export function hostileInputOptions() {
  return {
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void =>
      sendProblem(request, reply, error),
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket): void =>
      answerClientError(error, socket),
  };
}

function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const kind: ProblemKind = error.code === 'HPE_HEADER_OVERFLOW' ? 'headersTooLarge' : 'validation';
  const definition = ProblemTypes[kind];
  const body = JSON.stringify({
    type: problemTypeUri(kind),
    title: definition.title,
    status: definition.status,
    detail:
      kind === 'headersTooLarge'
        ? 'the request line and headers are too large'
        : 'the request is not valid HTTP',
    instance: '',
    traceId: '',
  });
  socket.end(
    `HTTP/1.1 ${definition.status} ${definition.title}\r\nconnection: close\r\n` +
      `content-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * The request parsing every service shares, hardened against hostile input (issue 9): JSON bodies
 * must be UTF-8, at most {@link MAX_JSON_DEPTH} deep, without `\u0000` or lone surrogates (400);
 * form bodies are not accepted (415, the contract is JSON); {@link SINGLETON_HEADERS} may not
 * repeat, and decoded path and query parameters may not hold U+0000 (400).
 */
export function hardenRequestParsing(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'application/x-www-form-urlencoded']);
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    const refused = bytes.length === 0 ? undefined : refusedJsonText(bytes);
    if (refused !== undefined) {
      done(new ProblemError('validation', refused), undefined);
      return;
    }
    const text = bytes.toString('utf8');
    // kept for a proxy (the gateway), which forwards what the client sent rather than a re-serialisation
    (request as { rawBody?: string }).rawBody = text;
    // callback style: the default parser returns nothing to await
    void parseJson(request, text, done);
  });
  fastify.addHook('onRequest', (request, _reply, done) => {
    // Node's own requests have it; an injected one (light-my-request, in tests) may not
    const distinct = (request.raw.headersDistinct as NodeJS.Dict<string[]> | undefined) ?? {};
    const repeated = SINGLETON_HEADERS.find((name) => (distinct[name]?.length ?? 0) > 1);
    if (repeated !== undefined) {
      done(
        new ProblemError('validation', `send one ${repeated} header, not several`, [
          { path: `/headers/${repeated}`, message: 'repeated' },
        ]),
      );
      return;
    }
    done();
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const holdsNul = (values: unknown): boolean =>
      typeof values === 'object' &&
      values !== null &&
      Object.values(values).some((value) =>
        Array.isArray(value) ? value.some((v) => String(v).includes('\0')) : String(value).includes('\0'),
      );
    if (holdsNul(request.params) || holdsNul(request.query)) {
      done(new ProblemError('validation', 'a path or query parameter holds U+0000'));
      return;
    }
    done();
  });
}
