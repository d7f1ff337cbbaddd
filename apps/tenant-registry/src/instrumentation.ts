import { startTracing } from '@platform/observability';

startTracing('tenant-registry');
