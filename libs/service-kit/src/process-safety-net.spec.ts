import { Writable } from 'node:stream';
import pino from 'pino';
import { processSafetyNet } from './process-safety-net';

function capturingLogger(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ formatters: { level: (label) => ({ level: label }) } }, stream);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('processSafetyNet', () => {
  it('logs an unhandled rejection with its error and stack, and does not exit', () => {
    const { logger, lines } = capturingLogger();
    const exit = jest.fn();
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:9092');
    const reason = new Error('timeout: no answer within 10000 ms', { cause });
    processSafetyNet(logger, exit).unhandledRejection(reason, Promise.resolve());
    expect(exit).not.toHaveBeenCalled();
    const [line] = lines();
    expect(line).toMatchObject({ level: 'error', kind: 'unhandledRejection' });
    expect(String(line?.msg)).toContain('timeout: no answer within 10000 ms');
    const err = line?.err as { stack?: string; message?: string };
    expect(err.stack).toContain('process-safety-net.spec.ts');
    expect(JSON.stringify(err)).toContain('ECONNREFUSED');
  });

  it('logs a rejection with a value that is not an Error', () => {
    const { logger, lines } = capturingLogger();
    processSafetyNet(logger, jest.fn()).unhandledRejection('plain string', Promise.resolve());
    expect(lines()[0]?.msg).toContain('plain string');
  });

  it('logs an uncaught exception as fatal and exits 1', () => {
    const { logger, lines } = capturingLogger();
    const exit = jest.fn();
    processSafetyNet(logger, exit).uncaughtException(new TypeError('x is undefined'), 'uncaughtException');
    expect(exit).toHaveBeenCalledWith(1);
    expect(lines()[0]).toMatchObject({ level: 'fatal', kind: 'uncaughtException' });
  });
});
