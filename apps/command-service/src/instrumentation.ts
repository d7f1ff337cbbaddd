import { startTracing } from '@platform/observability';

startTracing('command-service');
