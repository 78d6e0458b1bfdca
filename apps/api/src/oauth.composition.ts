import {
  AuthorizeBearerUseCase, DecoyChallenges, type AbuseControl, CallerAuthenticator, ClientAuthenticator, ClientSecrets, DpopNonces, DpopProofVerifier,
  GetServerMetadataUseCase, IntrospectTokenUseCase, OAuthTokenUseCase, RevokeTokenUseCase,
  type AuditLog, type Clock, type CryptoLane, type Digest, type IdentityReader, type IssueAccessToken, type Random,
  type ReplayStore, type TokenDenylist, type TokenPolicy, type TokenVerifier,
} from '@titan/application';
import type { OAuthUseCases } from '@titan/adapter-http';
import {
  InMemoryReplayStore, InMemoryTokenDenylist, RedisReplayStore, RedisTokenDenylist, type RedisClient,
} from '@titan/adapter-stores';
import { HmacMac } from '@titan/adapter-crypto-lane';
import type { TitanConfig } from '@titan/config';

/** Lifetime of a server-provided DPoP nonce. */
const DPOP_NONCE_TTL_SECONDS = 120;

export interface OAuthCompositionDeps {
  readonly config: TitanConfig;
  /** The shared Redis connection in production, undefined in embedded mode. */
  readonly redis: RedisClient | undefined;
  readonly kek: Uint8Array;
  readonly reader: IdentityReader;
  readonly lane: CryptoLane;
  readonly verifier: TokenVerifier;
  readonly issueToken: IssueAccessToken;
  readonly clock: Clock;
  readonly random: Random;
  readonly digest: Digest;
  readonly policy: TokenPolicy;
  readonly audit: AuditLog;
  /** Per-identity limits of the token and introspection endpoints. */
  readonly abuse?: AbuseControl;
  /** Registers a closer, run at shutdown in reverse order. */
  readonly onClose: (closer: () => Promise<void>) => void;
}

export interface OAuthComposition extends OAuthUseCases {
  readonly authorizeBearer: AuthorizeBearerUseCase;
  readonly clientSecrets: ClientSecrets;
  readonly decoyChallenges: DecoyChallenges;
}

/**
 * Wiring of the OAuth 2.0 surface (PRODUCT.md section 5) and DPoP: the replay cache and the token
 * denylist (Redis in production, memory when embedded), the pepper MAC (TITAN_SECRET_PEPPER, or
 * derived from the KEK when embedded), and the use cases. Wiring only.
 */
export function composeOAuth(d: OAuthCompositionDeps): OAuthComposition {
  let replays: ReplayStore;
  let denylist: TokenDenylist;
  if (d.redis) {
    replays = new RedisReplayStore(d.redis, { prefix: d.config.redisPrefix, namespace: 'oauth' });
    denylist = new RedisTokenDenylist(d.redis, { prefix: d.config.redisPrefix });
  } else {
    const memoryReplays = new InMemoryReplayStore();
    const memoryDenylist = new InMemoryTokenDenylist();
    d.onClose(async () => memoryReplays.close());
    d.onClose(async () => memoryDenylist.close());
    replays = memoryReplays;
    denylist = memoryDenylist;
  }
  const mac = d.config.secretPepper
    ? new HmacMac(Buffer.from(d.config.secretPepper, 'base64url'))
    : HmacMac.fromKeyEncryptionKey(d.kek);
  const clientSecrets = new ClientSecrets(mac, d.random);
  const nonces = new DpopNonces(mac, d.random, d.clock, replays, DPOP_NONCE_TTL_SECONDS);
  const dpopProofs = new DpopProofVerifier(d.lane, d.digest, replays, nonces, d.clock, { noncePolicy: d.config.dpopNonce });
  const authorizeBearer = new AuthorizeBearerUseCase(d.verifier, d.reader, d.policy, denylist, dpopProofs);
  const clients = new ClientAuthenticator(d.reader, d.lane, clientSecrets, replays, d.clock, d.policy, d.audit);
  const callers = new CallerAuthenticator(clients, authorizeBearer);
  return {
    authorizeBearer,
    clientSecrets,
    dpopProofs,
    // Shares the MAC keys and the replay store: a decoy challenge id is recognised once, on any instance.
    decoyChallenges: new DecoyChallenges(mac, d.random, replays, d.clock),
    oauthToken: new OAuthTokenUseCase(clients, d.issueToken, d.policy, d.audit, dpopProofs, d.abuse),
    introspectToken: new IntrospectTokenUseCase(callers, d.verifier, denylist, d.reader, d.abuse),
    revokeToken: new RevokeTokenUseCase(callers, d.verifier, denylist, d.clock, d.audit),
    serverMetadata: new GetServerMetadataUseCase(d.policy),
  };
}
