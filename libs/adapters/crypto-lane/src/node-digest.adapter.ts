import { createHash } from 'node:crypto';
import type { Digest } from '@titan/application';

/** SHA-256 for RFC 7638 thumbprints. */
export class NodeDigest implements Digest {
  sha256Base64Url(input: string): string {
    return createHash('sha256').update(input, 'utf8').digest('base64url');
  }
}
