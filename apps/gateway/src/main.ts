import './instrumentation';
import { serviceMain } from '@platform/service-kit';
import { AppModule } from './app.module';
import { configSchema } from './config';

serviceMain(
  'gateway',
  configSchema,
  (config, instanceId, logger) => AppModule.forRoot(config, instanceId, logger),
  {
    // The contract names GATEWAY_PORT; PORT works as for every service.
    portOf: (config) => config.GATEWAY_PORT ?? config.PORT,
    edge: true,
  },
);
