import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import {
  AddIdentityKeyUseCase, AuthorizeBearerUseCase, ChallengeUseCase, GetIdentityUseCase, GetJwksUseCase,
  ListAuditUseCase, ListIdentitiesUseCase, MintTokenUseCase, RegisterIdentityUseCase, RetireIdentityKeyUseCase, RevokeIdentityUseCase,
} from '@titan/application';
import type { Logger } from 'pino';
import { AbuseControl, OperationalMetrics, noOperationalMetrics } from '@titan/application';
import { ListSigningKeysUseCase, RevokeSigningKeyUseCase, RotateSigningKeysUseCase } from '@titan/application';
import { AuditController } from './audit/audit.controller';
import { AdminGuard } from './auth/admin.guard';
import { MediaTypeGuard } from './conventions/media-type.guard';
import { JSON_BODY_VALIDATION, TitanValidationPipe } from './conventions/titan-validation.pipe';
import { ApiErrorFilter } from './errors/api-error.filter';
import { ChallengeController } from './handshake/challenge.controller';
import { MintTokenController } from './handshake/mint-token.controller';
import { DependencyMonitor } from './health/dependency-monitor';
import { FailClosedGuard } from './health/fail-closed.guard';
import { HealthController } from './health/health.controller';
import { DRAIN_STATE, READINESS_CHECKS, type DrainState, type ReadinessCheck } from './health/readiness-check';
import { IdentitiesController } from './identities/identities.controller';
import { ForwardAuthController } from './authz/forward-auth.controller';
import { JwksController } from './jwks/jwks.controller';
import { SigningKeysController } from './keys/signing-keys.controller';
import { OAUTH_CONTROLLERS, oauthProviders, type OAuthUseCases } from './oauth/oauth.providers';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';

/** The use cases the HTTP adapter drives, built by the composition root. */
export interface HttpUseCases extends OAuthUseCases {
  readonly registerIdentity: RegisterIdentityUseCase;
  readonly getIdentity: GetIdentityUseCase;
  readonly listIdentities: ListIdentitiesUseCase;
  readonly addIdentityKey: AddIdentityKeyUseCase;
  readonly retireIdentityKey: RetireIdentityKeyUseCase;
  readonly revokeIdentity: RevokeIdentityUseCase;
  readonly challenge: ChallengeUseCase;
  readonly mintToken: MintTokenUseCase;
  readonly getJwks: GetJwksUseCase;
  readonly authorizeBearer: AuthorizeBearerUseCase;
  readonly listSigningKeys: ListSigningKeysUseCase;
  readonly rotateSigningKeys: RotateSigningKeysUseCase;
  readonly revokeSigningKey: RevokeSigningKeyUseCase;
  readonly listAudit: ListAuditUseCase;
}

export interface TitanHttpOptions {
  readonly useCases: HttpUseCases;
  readonly readinessChecks: readonly ReadinessCheck[];
  /** Flipped by the server when shutdown begins: readiness answers 503 from then on. */
  readonly drainState: DrainState;
  readonly logger: Logger;
  /** Counters guards and limiters feed (rate-limit rejections, dependency failures); injectable as `OperationalMetrics`. */
  readonly metrics?: OperationalMetrics;
  /** Rate limits per address and per identity (RateLimitGuard, AdminGuard); none when undefined. */
  readonly abuse?: AbuseControl;
}

/**
 * The HTTP adapter as one Nest module. Use cases come in ready-made (they are plain classes): each is
 * registered under its own class as the injection token, so controllers ask for them by type.
 */
@Module({})
export class TitanHttpModule {
  static forRoot(options: TitanHttpOptions): DynamicModule {
    const u = options.useCases;
    const useCases: Provider[] = [
      { provide: RegisterIdentityUseCase, useValue: u.registerIdentity },
      { provide: GetIdentityUseCase, useValue: u.getIdentity },
      { provide: ListIdentitiesUseCase, useValue: u.listIdentities },
      { provide: AddIdentityKeyUseCase, useValue: u.addIdentityKey },
      { provide: RetireIdentityKeyUseCase, useValue: u.retireIdentityKey },
      { provide: RevokeIdentityUseCase, useValue: u.revokeIdentity },
      { provide: ChallengeUseCase, useValue: u.challenge },
      { provide: MintTokenUseCase, useValue: u.mintToken },
      { provide: GetJwksUseCase, useValue: u.getJwks },
      { provide: AuthorizeBearerUseCase, useValue: u.authorizeBearer },
      { provide: ListSigningKeysUseCase, useValue: u.listSigningKeys },
      { provide: RotateSigningKeysUseCase, useValue: u.rotateSigningKeys },
      { provide: RevokeSigningKeyUseCase, useValue: u.revokeSigningKey },
      ...oauthProviders(u),
      { provide: ListAuditUseCase, useValue: u.listAudit },
    ];
    return {
      module: TitanHttpModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [ChallengeController, MintTokenController, IdentitiesController, JwksController, SigningKeysController, HealthController, AuditController, ForwardAuthController, ...OAUTH_CONTROLLERS],
      providers: [
        ...useCases,
        AdminGuard,
        { provide: READINESS_CHECKS, useValue: options.readinessChecks },
        { provide: DRAIN_STATE, useValue: options.drainState },
        { provide: OperationalMetrics, useValue: options.metrics ?? noOperationalMetrics },
        DependencyMonitor,
        FailClosedGuard,
        ...(options.abuse ? [{ provide: AbuseControl, useValue: options.abuse }] : []),
        { provide: APP_FILTER, useValue: new ApiErrorFilter(options.logger) },
        // Per-address limits first: a flooding address costs one counter increment, nothing more.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: MediaTypeGuard },
        {
          provide: APP_PIPE,
          // ValidationPipe with a fast path for the handshake DTOs (ADR 0006).
          useValue: new TitanValidationPipe(JSON_BODY_VALIDATION),
        },
      ],
    };
  }
}
