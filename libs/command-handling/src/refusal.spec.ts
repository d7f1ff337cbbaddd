import { atVersion, ProblemError } from '@platform/contracts';
import { changedConcurrently, refusalError, refusalProblem, versionMismatch } from './refusal';

describe('refusalProblem', () => {
  it('keeps kind, detail and headers, and leaves the code to the audit record', () => {
    expect(refusalProblem({ kind: 'conflict', code: 'x', detail: 'no' })).toEqual({
      kind: 'conflict',
      detail: 'no',
    });
    expect(
      refusalProblem({ kind: 'quotaExceeded', code: 'q', detail: 'd', headers: { 'retry-after': '1' } }),
    ).toEqual({ kind: 'quotaExceeded', detail: 'd', headers: { 'retry-after': '1' } });
  });

  it('keeps the field errors of a validation refusal', () => {
    const errors = [{ path: '/region', message: 'not allowed' }];

    expect(refusalProblem({ kind: 'validation', code: 'region-out-of-policy', detail: 'd', errors })).toEqual(
      {
        kind: 'validation',
        detail: 'd',
        errors,
      },
    );
  });
});

describe('refusalError', () => {
  it('is the same problem, thrown', () => {
    const error = refusalError({
      kind: 'notFound',
      code: 'c',
      detail: 'gone',
      headers: { 'retry-after': '2' },
    });

    expect(error).toBeInstanceOf(ProblemError);
    expect(error.toData()).toEqual({ kind: 'notFound', detail: 'gone', headers: { 'retry-after': '2' } });
  });
});

describe('the refusals every aggregate shares', () => {
  it('versionMismatch is a 412 naming the subject, its version and the condition', () => {
    expect(versionMismatch('tenant t-1', atVersion(1), 2)).toEqual({
      kind: 'versionMismatch',
      code: 'version-mismatch',
      detail: 'tenant t-1 is at version 2 (ETag "2"); If-Match: "1" does not match',
    });
  });

  it('changedConcurrently is a 409 the requester may retry', () => {
    expect(changedConcurrently('the order')).toEqual({
      kind: 'conflict',
      code: 'changed-concurrently',
      detail: 'the order changed concurrently; retry',
    });
  });
});
