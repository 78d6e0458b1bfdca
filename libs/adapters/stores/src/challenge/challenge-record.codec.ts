import { Challenge, Nonce } from '@titan/domain';

/** Stored form of a challenge; the id is the key, so it is not repeated. `v` versions the layout. */
interface ChallengeRecord {
  readonly v: 1;
  /** identityId */
  readonly i: string;
  /** nonce (base64url) */
  readonly n: string;
  /** audience */
  readonly a: string;
  /** scopes */
  readonly s: readonly string[];
  /** expiresAt, epoch milliseconds */
  readonly e: number;
}

export function encodeChallenge(challenge: Challenge): string {
  const record: ChallengeRecord = {
    v: 1,
    i: challenge.identityId,
    n: challenge.nonce.value,
    a: challenge.audience,
    s: challenge.scopes,
    e: challenge.expiresAt.getTime(),
  };
  return JSON.stringify(record);
}

/** Restores a stored challenge; a record this code did not write is a bug or tampering, so it throws. */
export function decodeChallenge(id: string, text: string): Challenge {
  const r = JSON.parse(text) as Partial<ChallengeRecord> | null;
  if (
    r === null || typeof r !== 'object' || r.v !== 1 ||
    typeof r.i !== 'string' || typeof r.n !== 'string' || typeof r.a !== 'string' ||
    !Array.isArray(r.s) || !r.s.every((s) => typeof s === 'string') ||
    typeof r.e !== 'number' || !Number.isFinite(r.e)
  ) {
    throw new TypeError('stored challenge record is malformed');
  }
  return Challenge.restore({
    id,
    identityId: r.i,
    nonce: Nonce.restore(r.n),
    audience: r.a,
    scopes: r.s,
    expiresAt: new Date(r.e),
  });
}
