import { decodeBase64UrlOfLength, domainError, err, ok, type DomainError, type Result } from '@titan/domain';
import type { AuditLog } from '../ports/audit-log.port';
import type { ChallengeStore, GuardedTakeResult } from '../ports/challenge-store.port';
import type { RateLimitOperation } from '../ports/rate-limiter.port';
import { NOT_LOCKED, type LockoutStatus } from '../proof-lockout/proof-lockout';
import type { Clock } from '../ports/clock.port';
import type { CryptoLane } from '../ports/crypto-lane.port';
import type { IdentityReader } from '../identity-reader/identity-reader';
import type { DpopProofVerifier } from '../dpop/dpop-proof.verifier';
import { OAUTH_ENDPOINTS, endpointUrl } from '../oauth-token/oauth-endpoints';
import type { AbuseControl } from '../rate-limit/abuse-control';
import type { DecoyChallenges } from '../challenge/decoy-challenges';
import type { RequestContext } from '../shared/request-context';
import type { TokenPolicy } from '../shared/token-policy';
import type { AccessTokenResponse, IssueAccessToken } from './issue-access-token';

export interface MintTokenInput {
  readonly identityId: string;
  readonly challengeId: string;
  /** base64url of the 64-byte P1363 signature over the proof message. */
  readonly signature: string;
  /** The `DPoP` header (RFC 9449): when present and valid, the token is bound to the proof's key. */
  readonly dpopProof?: string;
}

const SIGNATURE_BYTES = 64;
const encoder = new TextEncoder();

/**
 * Step 2 of the handshake: consume the challenge (first attempt wins, success or failure), verify the
 * proof of possession against the identity's keys, mint. Every failure is the same `invalid_proof`
 * to the caller; the audit log gets the exact reason.
 */
export class MintTokenUseCase {
  constructor(
    private readonly reader: IdentityReader,
    private readonly challenges: ChallengeStore,
    private readonly decoys: DecoyChallenges,
    private readonly crypto: CryptoLane,
    private readonly tokens: IssueAccessToken,
    private readonly clock: Clock,
    private readonly policy: TokenPolicy,
    private readonly audit: AuditLog,
    private readonly dpop?: DpopProofVerifier,
    /** Proof lockout, outstanding-challenge accounting and the per-identity token limit; none when undefined. */
    private readonly abuse?: AbuseControl,
  ) {}

  async execute(input: MintTokenInput, context: RequestContext = {}): Promise<Result<AccessTokenResponse, DomainError>> {
    // Malformed requests are refused before any challenge is touched.
    const signature = decodeBase64UrlOfLength(input.signature, SIGNATURE_BYTES, 'signature');
    if (!signature.ok) return signature;
    const admitted = await this.admitAndTake(input, context);
    if (!admitted.ok) return admitted;
    const { taken, lockout, dpopJkt } = admitted.value;

    const failed = async (reason: string): Promise<Result<never, DomainError>> => {
      await this.audit.record({
        action: 'proof.failed', outcome: 'failure', actor: input.identityId, subject: input.identityId, reason,
        requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
      });
      await this.abuse?.proofFailed(input.identityId, reason, context, taken.onTaken);
      return err(domainError('invalid_proof', 'the proof of possession was not accepted', reason));
    };

    const challenge = taken.challenge;
    if (!challenge) return failed(await this.unstoredChallenge(input, context));
    // Only the identity a challenge was issued to frees its slot (`onTaken`); a decoy presented under
    // another id cannot be attributed either, so neither counts as a guess nor frees anything.
    if (!challenge.isFor(input.identityId)) return failed('challenge_of_another_identity');
    if (challenge.isExpired(this.clock.now())) return failed('challenge_expired');

    const identity = await this.reader.find(input.identityId);
    if (!identity) return failed('identity_unknown');
    if (!identity.isActive) return failed('identity_revoked');

    const message = encoder.encode(challenge.proofMessage(this.policy.issuer));
    let verified = false;
    for (const key of identity.keys) {
      if (await this.crypto.verify({ key, data: message, signature: signature.value })) {
        verified = true;
        break;
      }
    }
    if (!verified) return failed('bad_signature');
    // DPoP binds the token to an ENROLLED key of the identity, never to any key the client brings.
    if (dpopJkt !== undefined && !identity.findKey(dpopJkt)) return failed('dpop_key_not_enrolled');

    // The grant was checked at challenge time; re-check in case allowed sets changed since.
    const grant = identity.resolveGrant(this.policy.issuer, challenge.audience, challenge.scopes);
    if (!grant.ok) return failed(`grant_no_longer_allowed: ${grant.error.code}`);
    if (this.abuse) {
      const limited = await this.abuse.proofAccepted(identity.id, lockout, taken.onTaken, context);
      if (limited) return err(limited);
    }
    return ok(await this.tokens.issue(identity.id, grant.value, dpopJkt === undefined ? undefined : { jkt: dpopJkt }, context));
  }

  /**
   * The proof's admission (address budget, the pair's lockout) and the take of its challenge, in one
   * store round trip; with a DPoP proof, the admission, the DPoP proof, then the take, so a client
   * told to use a DPoP nonce can retry with the same challenge. A refused or locked caller is turned
   * away before anything is checked or consumed. Taking a challenge issued to this identity frees
   * its outstanding slot and charges one token in the same round trip (`AbuseControl.redeemChecks`).
   */
  private async admitAndTake(
    input: MintTokenInput, context: RequestContext,
  ): Promise<Result<{ taken: GuardedTakeResult; lockout: LockoutStatus; dpopJkt?: string }, DomainError>> {
    const onTaken = { identityId: input.identityId, checks: this.abuse?.redeemChecks(input.identityId, context) ?? [] };
    const take = (checks: readonly RateLimitOperation[]): Promise<GuardedTakeResult> => this.challenges.takeAdmitted(checks, input.challengeId, onTaken);
    if (input.dpopProof === undefined) {
      if (!this.abuse) return ok({ taken: await take([]), lockout: NOT_LOCKED });
      const admission = await this.abuse.admitProof(input.identityId, context, take);
      return admission.refused ? err(admission.refused) : ok({ taken: admission.taken, lockout: admission.lockout });
    }
    const admission = this.abuse ? await this.abuse.admitProof(input.identityId, context, this.abuse.checksAlone) : undefined;
    if (admission?.refused) return err(admission.refused);
    if (!this.dpop) return err(domainError('invalid_dpop_proof', 'DPoP is not supported here', 'dpop_not_configured'));
    const proof = await this.dpop.verify({
      proof: input.dpopProof, htm: 'POST', htu: endpointUrl(this.policy.issuer, OAUTH_ENDPOINTS.nativeToken), enforceNonce: true,
    });
    if (!proof.ok) {
      await this.audit.record({
        action: 'dpop.failed', outcome: 'failure', actor: input.identityId, subject: input.identityId,
        reason: proof.error.reason ?? proof.error.code, requestId: context.requestId ?? null, clientIp: context.clientIp ?? null,
      });
      return proof;
    }
    return ok({ taken: await take([]), lockout: admission?.lockout ?? NOT_LOCKED, dpopJkt: proof.value.jkt });
  }

  /**
   * A challenge the store does not hold: a live decoy issued for this identity id is a failed guess
   * (and frees its outstanding-challenge slot), exactly like a bad proof against a real challenge;
   * anything else was spent, expired or never issued, which is not a guess.
   */
  private async unstoredChallenge(input: MintTokenInput, context: RequestContext): Promise<string> {
    if (!(await this.decoys.redeem(input.challengeId, input.identityId))) return 'challenge_unknown_or_used';
    await this.abuse?.challengeRedeemed(input.identityId, context);
    return 'decoy_challenge';
  }
}
