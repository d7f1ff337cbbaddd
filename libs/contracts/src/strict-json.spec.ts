import { MAX_JSON_DEPTH, refusedJsonText } from './strict-json';

const refused = (text: string | Buffer): string | undefined =>
  refusedJsonText(typeof text === 'string' ? Buffer.from(text) : text);

describe('refusedJsonText', () => {
  it('lets ordinary JSON through, escapes and surrogate pairs included', () => {
    expect(refused('{"a":[1,{"b":"x\\"y\\\\"}],"c":"\\u00e9\\ud83d\\ude00 é 😀"}')).toBeUndefined();
    expect(refused(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).toBeUndefined();
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(refused(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toMatch(/UTF-8/);
  });

  it('refuses nesting deeper than the limit, without recursing', () => {
    expect(refused(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`)).toMatch(/deeper/);
    expect(refused(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`)).toMatch(/deeper/);
  });

  it('counts no brackets inside strings', () => {
    expect(refused(`{"a":"${'['.repeat(100)}"}`)).toBeUndefined();
  });

  it('refuses U+0000 and lone surrogates', () => {
    expect(refused('{"a":"x\\u0000"}')).toMatch(/U\+0000/);
    expect(refused('{"a":"\\ud800"}')).toMatch(/lone surrogate/);
    expect(refused('{"a":"\\udc00x"}')).toMatch(/lone surrogate/);
    expect(refused('{"a":"\\ud800\\u0041"}')).toMatch(/lone surrogate/);
  });

  it('leaves malformed JSON to the parser', () => {
    expect(refused('{"a":"\\uZZ')).toBeUndefined();
    expect(refused('{"a":')).toBeUndefined();
  });
});
