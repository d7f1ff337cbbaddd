import { startTracing } from '@platform/observability';

startTracing('gateway');
