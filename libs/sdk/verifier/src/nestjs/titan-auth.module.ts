import { Module, type DynamicModule } from '@nestjs/common';
import { createTitanVerifier, type TitanVerifier, type TitanVerifierOptions } from '../titan-verifier';
import { TITAN_AUTH_OPTIONS, TITAN_VERIFIER, TitanAuthGuard, type TitanAuthGuardOptions } from './titan-auth.guard';

/**
 * Provides a `TitanVerifier` and `TitanAuthGuard`. Pass verifier options, or a verifier you built
 * (to share one JWKS cache between modules), plus the guard's options (`publicBaseUrl` for DPoP).
 *
 * @example
 * @Module({ imports: [TitanAuthModule.forRoot({ issuer: 'https://auth.example.com', audience: 'billing-api', publicBaseUrl: 'https://billing.example.com' })] })
 */
@Module({})
export class TitanAuthModule {
  static forRoot(options: (TitanVerifierOptions | { verifier: TitanVerifier }) & TitanAuthGuardOptions): DynamicModule {
    const { publicBaseUrl, ...rest } = options;
    const verifier = 'verifier' in rest ? rest.verifier : createTitanVerifier(rest);
    const guardOptions: TitanAuthGuardOptions = publicBaseUrl === undefined ? {} : { publicBaseUrl };
    return {
      module: TitanAuthModule,
      global: true,
      providers: [{ provide: TITAN_VERIFIER, useValue: verifier }, { provide: TITAN_AUTH_OPTIONS, useValue: guardOptions }, TitanAuthGuard],
      exports: [TITAN_VERIFIER, TITAN_AUTH_OPTIONS, TitanAuthGuard],
    };
  }
}
