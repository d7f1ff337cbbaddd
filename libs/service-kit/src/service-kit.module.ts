import { Global, Inject, Module, type DynamicModule, type OnModuleInit, type Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { MESSAGING, MessagingModule, type KafkaMessaging } from '@platform/messaging';
import type { Logger } from '@platform/observability';
import {
  ApiKeyDirectory,
  createTokenVerifier,
  INTERNAL_CONTEXT_CODEC,
  InternalContextCodec,
  InternalContextGuard,
  TenantContextInterceptor,
  TenantDirectory,
  TenantGuard,
  TOKEN_VERIFIER,
  type TokenVerifierOptions,
} from '@platform/tenancy';
import { HealthController } from './health/health.controller';
import { Readiness } from './health/readiness';
import { ApiKeyFeed, TenantDirectoryFeed } from './tenancy/tenant-directory.feed';
import { SERVICE_LOGGER, SERVICE_NAME } from './tokens';

export interface ServiceKitOptions {
  readonly service: string;
  readonly instanceId: string;
  readonly logger: Logger;
  readonly kafka: { readonly brokers: readonly string[]; readonly topicPrefix: string };
  /**
   * Serve tenant-scoped HTTP routes, with the tenant context and the tenant directory. `jwt`: at the
   * edge (the gateway, the registry), callers' tokens and API keys. `internalContext`: behind the
   * gateway, only the context it signed (ADR 0017). `apiKeys: false` with `jwt`: tokens only, no
   * feed of the tenants' API keys (an operator route, where a tenant's key has no business).
   */
  readonly tenancy?:
    | { readonly jwt: TokenVerifierOptions; readonly apiKeys?: boolean }
    | { readonly internalContext: { readonly secret: string } };
  /** Keep a local tenant directory without serving tenant routes (e.g. command enforcement). */
  readonly tenantDirectory?: boolean;
}

class KafkaReadiness implements OnModuleInit {
  constructor(
    @Inject(MESSAGING) private readonly messaging: KafkaMessaging,
    private readonly readiness: Readiness,
  ) {}
  onModuleInit(): void {
    this.readiness.register('kafka', () => this.messaging.ping());
  }
}

/**
 * What every service shares: logger, messaging (Kafka), health endpoints, readiness,
 * and, for services that serve tenant routes, the JWT guard with the tenant directory.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: SERVICE_NAME, useValue: options.service },
      { provide: SERVICE_LOGGER, useValue: options.logger },
      Readiness,
      KafkaReadiness,
    ];
    if (options.tenancy || options.tenantDirectory) providers.push(TenantDirectory, TenantDirectoryFeed);
    if (options.tenancy && 'jwt' in options.tenancy) {
      const jwt = options.tenancy.jwt;
      providers.push(
        ApiKeyDirectory,
        ...(options.tenancy.apiKeys === false ? [] : [ApiKeyFeed]),
        { provide: TOKEN_VERIFIER, useFactory: () => createTokenVerifier(jwt) },
        { provide: APP_GUARD, useClass: TenantGuard },
      );
    } else if (options.tenancy) {
      const { secret } = options.tenancy.internalContext;
      providers.push(
        { provide: INTERNAL_CONTEXT_CODEC, useFactory: () => new InternalContextCodec(secret) },
        { provide: APP_GUARD, useClass: InternalContextGuard },
      );
    }
    if (options.tenancy) providers.push({ provide: APP_INTERCEPTOR, useClass: TenantContextInterceptor });
    return {
      module: ServiceKitModule,
      imports: [
        MessagingModule.forRootAsync({
          useFactory: () => ({
            logger: options.logger.child({ component: 'messaging' }),
            options: {
              brokers: options.kafka.brokers,
              topicPrefix: options.kafka.topicPrefix,
              clientId: `${options.service}-${options.instanceId}`,
              service: options.service,
            },
          }),
        }),
      ],
      controllers: [HealthController],
      providers,
      exports: [
        SERVICE_NAME,
        SERVICE_LOGGER,
        Readiness,
        ...(options.tenancy || options.tenantDirectory ? [TenantDirectory] : []),
      ],
    };
  }
}
