import { Module, type DynamicModule } from '@nestjs/common';
import { createTitanVerifier, type TitanVerifier, type TitanVerifierOptions } from '../titan-verifier';
import { TITAN_VERIFIER, TitanAuthGuard } from './titan-auth.guard';

/**
 * Provides a `TitanVerifier` and `TitanAuthGuard`. Pass verifier options, or a verifier you built
 * (to share one JWKS cache between modules).
 *
 * @example
 * @Module({ imports: [TitanAuthModule.forRoot({ issuer: 'https://auth.example.com', audience: 'billing-api' })] })
 */
@Module({})
export class TitanAuthModule {
  static forRoot(options: TitanVerifierOptions | { verifier: TitanVerifier }): DynamicModule {
    const verifier = 'verifier' in options ? options.verifier : createTitanVerifier(options);
    return {
      module: TitanAuthModule,
      global: true,
      providers: [{ provide: TITAN_VERIFIER, useValue: verifier }, TitanAuthGuard],
      exports: [TITAN_VERIFIER, TitanAuthGuard],
    };
  }
}
