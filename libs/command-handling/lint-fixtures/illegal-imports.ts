// Deliberately illegal: the lint must reject both imports (tools/architecture proves it does).
// The command pipeline is shared by every aggregate and service: it may not import PostgreSQL, nor
// an infrastructure lib; the adapters come in through its steps.
import { Pool } from 'pg';
import { PostgresEventStore } from '@platform/event-store';

export const illegal = [Pool, PostgresEventStore];
