import { z } from 'zod';
import { ConfigError, httpEnv, kafkaEnv, loadConfig } from './config';

const schema = z.object({ ...kafkaEnv, ...httpEnv(8081) });

describe('loadConfig', () => {
  it('applies the development defaults', () => {
    expect(loadConfig(schema, {})).toEqual({
      KAFKA_BROKERS: ['localhost:9092'],
      KAFKA_TOPIC_PREFIX: '',
      PORT: 8081,
      HOST: '0.0.0.0',
      BODY_LIMIT_BYTES: 1_048_576,
    });
  });

  it('parses a broker list', () => {
    expect(loadConfig(schema, { KAFKA_BROKERS: '127.0.0.1:9092,10.0.0.2:9093' }).KAFKA_BROKERS).toEqual([
      '127.0.0.1:9092',
      '10.0.0.2:9093',
    ]);
  });

  it('names every bad variable and what it got', () => {
    let error: unknown;
    try {
      loadConfig(schema, { KAFKA_BROKERS: 'nohostport', PORT: 'eighty' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(
      'KAFKA_BROKERS: must be a comma-separated list of host:port (got "nohostport")',
    );
    expect(message).toMatch(/PORT: .*\(got "eighty"\)/);
  });
});
