import type { Provider, Type } from '@nestjs/common';
import {
  DpopProofVerifier, GetServerMetadataUseCase, IntrospectTokenUseCase, OAuthTokenUseCase, RevokeTokenUseCase,
} from '@titan/application';
import { IntrospectController } from './introspect.controller';
import { OAuthTokenController } from './oauth-token.controller';
import { RevokeController } from './revoke.controller';
import { ServerMetadataController } from './server-metadata.controller';

/** The OAuth 2.0 surface's use cases, built by the composition root. */
export interface OAuthUseCases {
  readonly oauthToken: OAuthTokenUseCase;
  readonly introspectToken: IntrospectTokenUseCase;
  readonly revokeToken: RevokeTokenUseCase;
  readonly serverMetadata: GetServerMetadataUseCase;
  /** Shared by both token endpoints: issues `DPoP-Nonce` values. */
  readonly dpopProofs: DpopProofVerifier;
}

export const OAUTH_CONTROLLERS: Type[] = [OAuthTokenController, IntrospectController, RevokeController, ServerMetadataController];

export const oauthProviders = (u: OAuthUseCases): Provider[] => [
  { provide: OAuthTokenUseCase, useValue: u.oauthToken },
  { provide: IntrospectTokenUseCase, useValue: u.introspectToken },
  { provide: RevokeTokenUseCase, useValue: u.revokeToken },
  { provide: GetServerMetadataUseCase, useValue: u.serverMetadata },
  { provide: DpopProofVerifier, useValue: u.dpopProofs },
];
