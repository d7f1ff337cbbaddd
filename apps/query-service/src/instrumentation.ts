import { startTracing } from '@platform/observability';

startTracing('query-service');
