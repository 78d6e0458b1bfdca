import { domainError, type DomainError } from '../shared/domain-error';
import { err, ok, type Result } from '../shared/result';
import type { IdentityKey } from './identity-key';

export type IdentityStatus = 'active' | 'revoked';

export interface UserIdentityProps {
  readonly id: string;
  readonly status: IdentityStatus;
  readonly keys: readonly IdentityKey[];
  readonly scopes: readonly string[];
  readonly audiences: readonly string[];
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly revocationReason: string | null;
  /** Keyed hash of the client secret, for legacy clients created with `secret: true`. */
  readonly clientSecretHash: string | null;
}

/** What a token for this identity may carry, once checked against the identity's allowed sets. */
export interface TokenGrant {
  readonly audience: string;
  readonly scopes: readonly string[];
}

/**
 * A service that may obtain tokens. Immutable: every change returns a new instance, so a cached
 * identity can never be half-updated.
 */
export class UserIdentity {
  private constructor(private readonly props: UserIdentityProps) {}

  static register(input: {
    id: string;
    key: IdentityKey;
    scopes: readonly string[];
    audiences: readonly string[];
    clientSecretHash: string | null;
    now: Date;
  }): UserIdentity {
    return new UserIdentity({
      id: input.id,
      status: 'active',
      keys: [input.key],
      scopes: input.scopes,
      audiences: input.audiences,
      createdAt: input.now,
      revokedAt: null,
      revocationReason: null,
      clientSecretHash: input.clientSecretHash,
    });
  }

  /** Rebuilds an identity from storage; no rules run here. */
  static restore(props: UserIdentityProps): UserIdentity {
    return new UserIdentity(props);
  }

  get id(): string { return this.props.id; }
  get status(): IdentityStatus { return this.props.status; }
  get keys(): readonly IdentityKey[] { return this.props.keys; }
  get scopes(): readonly string[] { return this.props.scopes; }
  get audiences(): readonly string[] { return this.props.audiences; }
  get createdAt(): Date { return this.props.createdAt; }
  get revokedAt(): Date | null { return this.props.revokedAt; }
  get revocationReason(): string | null { return this.props.revocationReason; }
  get clientSecretHash(): string | null { return this.props.clientSecretHash; }
  get isActive(): boolean { return this.props.status === 'active'; }

  toProps(): UserIdentityProps { return this.props; }

  findKey(thumbprint: string): IdentityKey | undefined {
    return this.props.keys.find((k) => k.thumbprint === thumbprint);
  }

  addKey(key: IdentityKey): Result<UserIdentity, DomainError> {
    if (!this.isActive) return err(domainError('identity_revoked', `identity "${this.id}" is revoked`));
    if (this.findKey(key.thumbprint)) return err(domainError('key_in_use', 'this key is already registered'));
    return ok(new UserIdentity({ ...this.props, keys: [...this.props.keys, key] }));
  }

  retireKey(thumbprint: string): Result<UserIdentity, DomainError> {
    if (!this.findKey(thumbprint)) return err(domainError('key_not_found', `identity "${this.id}" has no key ${thumbprint}`));
    if (this.props.keys.length === 1) {
      return err(domainError('last_key', 'cannot retire the last key of an identity; add a new key first'));
    }
    return ok(new UserIdentity({ ...this.props, keys: this.props.keys.filter((k) => k.thumbprint !== thumbprint) }));
  }

  revoke(reason: string, now: Date): Result<UserIdentity, DomainError> {
    if (!this.isActive) return err(domainError('identity_revoked', `identity "${this.id}" is already revoked`));
    return ok(new UserIdentity({ ...this.props, status: 'revoked', revokedAt: now, revocationReason: reason }));
  }

  /**
   * PRODUCT.md section 3: the audience must be the issuer or an allowed audience (default: the first
   * allowed audience, else the issuer); requested scopes must all be allowed (default: all allowed).
   */
  resolveGrant(issuer: string, requestedAudience: string | undefined, requestedScopes: readonly string[] | undefined): Result<TokenGrant, DomainError> {
    let audience: string;
    if (requestedAudience === undefined) {
      audience = this.props.audiences[0] ?? issuer;
    } else if (requestedAudience === issuer || this.props.audiences.includes(requestedAudience)) {
      audience = requestedAudience;
    } else {
      return err(domainError('invalid_target', 'the requested audience is not allowed for this identity'));
    }
    if (requestedScopes === undefined) return ok({ audience, scopes: this.props.scopes });
    const notAllowed = requestedScopes.filter((s) => !this.props.scopes.includes(s));
    if (notAllowed.length > 0) {
      return err(domainError('invalid_scope', 'a requested scope is not allowed for this identity'));
    }
    return ok({ audience, scopes: requestedScopes });
  }
}
