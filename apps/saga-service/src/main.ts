import './instrumentation';
import { instanceIdOf, loadConfig, runService } from '@platform/service-kit';
import { AppModule } from './app.module';
import { configSchema } from './config';

void runService({
  name: 'saga-service',
  setup: (logger) => {
    const config = loadConfig(configSchema, process.env);
    return {
      module: AppModule.forRoot(config, instanceIdOf(config.INSTANCE_ID), logger),
      port: config.PORT,
      host: config.HOST,
      bodyLimit: config.BODY_LIMIT_BYTES,
    };
  },
});
