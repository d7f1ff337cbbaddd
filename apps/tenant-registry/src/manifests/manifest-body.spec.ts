import { manifestText } from './manifest-body';

describe('manifest body', () => {
  it('takes YAML as the text it arrived as', () => {
    expect(manifestText('kind: Tenant\n', 'application/yaml; charset=utf-8')).toEqual({
      ok: true,
      text: 'kind: Tenant\n',
    });
    expect(manifestText('kind: Tenant\n', 'text/yaml')).toEqual({ ok: true, text: 'kind: Tenant\n' });
  });

  it('serialises a parsed JSON body back to text', () => {
    expect(manifestText({ kind: 'Tenant' }, 'application/json')).toEqual({
      ok: true,
      text: '{"kind":"Tenant"}',
    });
  });

  it('gives an empty document for a missing body', () => {
    expect(manifestText(undefined, 'application/json')).toEqual({ ok: true, text: '' });
    expect(manifestText(undefined, 'application/yaml')).toEqual({ ok: true, text: '' });
  });

  it.each([undefined, 'text/plain', 'application/xml'])('refuses %s with a 415', (contentType) => {
    expect(manifestText('x', contentType)).toMatchObject({
      ok: false,
      refusal: { kind: 'unsupportedMediaType' },
    });
  });
});
