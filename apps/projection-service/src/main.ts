import './instrumentation';
import { serviceMain } from '@platform/service-kit';
import { AppModule } from './app.module';
import { configSchema } from './config';

serviceMain('projection-service', configSchema, (config, instanceId, logger) =>
  AppModule.forRoot(config, instanceId, logger),
);
