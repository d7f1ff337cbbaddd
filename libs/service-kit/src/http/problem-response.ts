import { HttpException } from '@nestjs/common';
import {
  ProblemError,
  ProblemTypes,
  problemTypeUri,
  type FieldError,
  type ProblemKind,
} from '@platform/contracts';

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly traceId: string;
  readonly errors?: readonly FieldError[];
}

export interface ProblemResponse {
  readonly status: number;
  readonly body: ProblemBody;
  readonly headers: Readonly<Record<string, string>>;
}

interface FastifyLikeError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly message?: string;
}

const fastifyCodes: Record<string, ProblemKind> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payloadTooLarge',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupportedMediaType',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation',
  FST_ERR_BAD_URL: 'validation',
  FST_ERR_MAX_PARAM_LENGTH: 'uriTooLong',
};

const statusKinds: Record<number, ProblemKind> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  412: 'versionMismatch',
  413: 'payloadTooLarge',
  414: 'uriTooLong',
  415: 'unsupportedMediaType',
  422: 'unprocessable',
  429: 'rateLimited',
  431: 'headersTooLarge',
  503: 'unavailable',
  504: 'timeout',
};

/**
 * The one place an error becomes an HTTP answer: an RFC 9457 problem. Unknown errors are 500s
 * whose detail says nothing about internals.
 */
export function toProblem(error: unknown, instance: string, traceId: string): ProblemResponse {
  let kind: ProblemKind = 'internal';
  let detail = 'an unexpected error occurred; quote the traceId when reporting it';
  let errors: readonly FieldError[] | undefined;
  let headers: Readonly<Record<string, string>> = {};

  if (error instanceof ProblemError) {
    kind = error.kind;
    detail = error.detail;
    errors = error.errors;
    headers = error.headers ?? {};
  } else if (error instanceof HttpException) {
    kind = statusKinds[error.getStatus()] ?? 'internal';
    if (kind !== 'internal') detail = error.message;
  } else if (isFastifyError(error)) {
    const mapped = (error.code && fastifyCodes[error.code]) ?? statusKinds[error.statusCode ?? 500];
    if (mapped) {
      kind = mapped;
      detail =
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
          ? 'the body is not valid JSON'
          : (error.message ?? detail);
    }
  }
  const definition = ProblemTypes[kind];
  if (kind === 'unavailable' && headers['retry-after'] === undefined)
    headers = { ...headers, 'retry-after': '5' };
  return {
    status: definition.status,
    headers,
    body: {
      type: problemTypeUri(kind),
      title: definition.title,
      status: definition.status,
      detail,
      instance,
      traceId,
      ...(errors && { errors }),
    },
  };
}

function isFastifyError(error: unknown): error is FastifyLikeError {
  return typeof error === 'object' && error !== null && ('statusCode' in error || 'code' in error);
}
