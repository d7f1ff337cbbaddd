import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { PassThrough, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ArchiveRefusedError } from './archive-reader';

/**
 * The lines of a gzip'd archive file, read as they are consumed. A file that is not gzip, or is
 * cut inside its compressed data, is refused as an archive.
 */
export async function* archiveFileLines(file: string): AsyncGenerator<string> {
  let failure: Error | undefined;
  const text = new PassThrough();
  pipeline(createReadStream(file), createGunzip(), text, (error) => {
    if (error) failure = error;
  });
  const lines = createInterface({ input: text, crlfDelay: Infinity });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
    text.destroy();
  }
  if (failure !== undefined)
    throw new ArchiveRefusedError('/gzip', `not a readable gzip stream: ${failure.message}`);
}
