import type { JwksSource } from '../ports/jwks-source.port';

/** The JWKS resource servers fetch, with how long they may cache it. */
export class GetJwksUseCase {
  constructor(private readonly source: JwksSource) {}

  async execute(): Promise<{ jwks: { keys: ReadonlyArray<Readonly<Record<string, string>>> }; maxAgeSeconds: number }> {
    return { jwks: await this.source.jwks(), maxAgeSeconds: this.source.cacheMaxAgeSeconds() };
  }
}
