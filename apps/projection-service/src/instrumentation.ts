import { startTracing } from '@platform/observability';

startTracing('projection-service');
