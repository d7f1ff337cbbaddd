import { ProblemError } from '@platform/contracts';
import { ApiKeyDirectory, issueApiKey, type ApiKeyRecord } from './api-keys';

const tenantId = 'aaaaaaaa-0000-4000-8000-000000000001';

function directoryWithKey(roles: string[] = ['member']) {
  const issued = issueApiKey();
  const record: ApiKeyRecord = {
    keyId: issued.keyId,
    tenantId,
    name: 'ci',
    roles,
    secretHash: issued.secretHash,
    createdAt: '2026-11-22T10:00:00.000Z',
  };
  const directory = new ApiKeyDirectory();
  directory.apply(record);
  return { directory, issued, record };
}

describe('API keys', () => {
  it('issues keys that never contain their stored hash', () => {
    const { key, keyId, secretHash } = issueApiKey();
    expect(key).toMatch(new RegExp(`^tfk_${keyId}_[A-Za-z0-9_-]{43}$`));
    expect(key).not.toContain(secretHash);
    expect(issueApiKey().key).not.toBe(key);
  });

  it('authenticates a valid key as its tenant with its roles', () => {
    const { directory, issued } = directoryWithKey(['viewer']);
    expect(directory.authenticate(issued.key)).toEqual({
      sub: `api-key:${issued.keyId}`,
      tenants: [tenantId],
      roles: ['viewer'],
    });
  });

  it('refuses a wrong secret, an unknown id, garbage and a revoked key alike', () => {
    const { directory, issued, record } = directoryWithKey();
    const wrongSecret = issued.key.slice(0, -1) + (issued.key.endsWith('A') ? 'B' : 'A');
    for (const key of [wrongSecret, issueApiKey().key, 'nonsense']) {
      expect(() => directory.authenticate(key)).toThrow(ProblemError);
    }
    directory.apply({ ...record, revokedAt: '2026-11-22T11:00:00.000Z' });
    expect(() => directory.authenticate(issued.key)).toThrow(/invalid or revoked/);
    // A late replay of the issue event does not bring it back.
    directory.apply(record);
    expect(() => directory.authenticate(issued.key)).toThrow(/invalid or revoked/);
  });
});
