import { toNdjson } from './ndjson';

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const result: string[] = [];
  for await (const line of lines) result.push(line);
  return result;
}

describe('toNdjson', () => {
  it('writes one JSON object per line, newlines inside values escaped', async () => {
    const lines = await collect(toNdjson([{ a: 1 }, { text: 'two\nlines' }]));

    expect(lines).toEqual(['{"a":1}\n', '{"text":"two\\nlines"}\n']);
    expect(
      lines
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([{ a: 1 }, { text: 'two\nlines' }]);
  });

  it('pulls from an async source one item at a time', async () => {
    const pulled: number[] = [];
    async function* source(): AsyncGenerator<{ n: number }> {
      for (let n = 1; n <= 3; n++) {
        pulled.push(n);
        yield { n };
      }
    }
    const lines = toNdjson(source());

    expect((await lines.next()).value).toBe('{"n":1}\n');
    expect(pulled).toEqual([1]);
    expect(await collect(lines)).toEqual(['{"n":2}\n', '{"n":3}\n']);
  });

  it('yields nothing for an empty source, and refuses what JSON cannot hold', async () => {
    expect(await collect(toNdjson([]))).toEqual([]);
    await expect(collect(toNdjson([() => 1]))).rejects.toThrow(TypeError);
  });
});
