/**
 * True when the Titan at `url` is ready and is the one with this issuer: a port picked free before
 * a spawn can be taken by another test's server in between, which would answer the health check;
 * its metadata names another issuer. Each request is bounded: whatever else holds the port may
 * never answer.
 */
export async function isTitanReadyAt(url: string, issuer: string): Promise<boolean> {
  const health = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
  await health.arrayBuffer();
  if (health.status !== 200) return false;
  const metadata = await fetch(`${url}/.well-known/oauth-authorization-server`, { signal: AbortSignal.timeout(2_000) });
  return metadata.status === 200 && ((await metadata.json()) as { issuer?: unknown }).issuer === issuer;
}
