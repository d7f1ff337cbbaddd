import { startTracing } from '@platform/observability';

startTracing('saga-service');
