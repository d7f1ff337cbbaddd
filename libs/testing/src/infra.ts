import { randomBytes } from 'node:crypto';

/** Connection settings of the local infrastructure (`deploy/local/infra.sh start`). */
export const testInfra = {
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://platform:platform@127.0.0.1:5432/platform',
};

/** A short random suffix so parallel or repeated runs never share topics, groups or schemas. */
export const uniqueSuffix = (): string => randomBytes(4).toString('hex');
