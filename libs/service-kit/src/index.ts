export * from './config/config';
export * from './bootstrap';
export * from './tokens';
export * from './service-kit.module';
export * from './health/readiness';
export * from './http/problem-response';
export * from './http/problem.filter';
export * from './main';
