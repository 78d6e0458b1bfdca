// The verifier SDK is measured as a resource server uses it, through its published entry point.
import { createTitanVerifier } from '@titan/verifier';
import { HttpClient, type HttpResponse } from './http';
import { JWT_BEARER_ASSERTION, clientAssertion, proofMessage, signP1363 } from './keys';
import type { Operation } from './load';
import type { BenchClient, Target } from './targets';

export const SCENARIO_NAMES = ['handshake', 'client-credentials', 'introspect', 'jwks', 'verify', 'handshake-c1'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const NOT_AVAILABLE = 'not available';

export interface PreparedScenario {
  readonly op: Operation;
  /** Measured process: the server, or this process for in-process scenarios. */
  readonly inProcess: boolean;
  /** Overrides the suite's concurrency (concurrency-1 latency). */
  readonly concurrency?: number;
  close(): void;
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly description: string;
  /** Target kinds the scenario means something for. */
  readonly kinds: readonly Target['kind'][];
  prepare(target: Target, concurrency: number): Promise<PreparedScenario | typeof NOT_AVAILABLE>;
}

const clientFor = (target: Target, loop: number): BenchClient => target.clients[loop % target.clients.length]!;

async function handshake(http: HttpClient, target: Target, client: BenchClient): Promise<HttpResponse> {
  const c = await http.json('/v1/zkp/challenge', { identityId: client.id });
  if (c.status !== 201) return c;
  const { challengeId, nonce } = JSON.parse(c.text) as { challengeId: string; nonce: string };
  const signature = signP1363(client.key.privateKey, proofMessage(target.issuer, client.id, challengeId, nonce));
  return http.json('/v1/zkp/token', { identityId: client.id, challengeId, signature });
}

async function mintToken(target: Target, client: BenchClient): Promise<string> {
  const http = new HttpClient(target.origin, 1);
  try {
    const res = await handshake(http, target, client);
    if (res.status !== 200) throw new Error(`${target.name}: handshake for a token failed: ${res.status} ${res.text}`);
    return (JSON.parse(res.text) as { access_token: string }).access_token;
  } finally {
    http.close();
  }
}

function handshakeScenario(name: 'handshake' | 'handshake-c1'): Scenario {
  return {
    name,
    description: name === 'handshake' ? 'native handshake: challenge + proof (P1363) + ES256 mint' : 'native handshake, one loop (latency)',
    kinds: ['titan', 'floor'],
    async prepare(target, concurrency) {
      const loops = name === 'handshake-c1' ? 1 : concurrency;
      const http = new HttpClient(target.origin, loops);
      return {
        inProcess: false,
        concurrency: loops,
        op: async (loop) => (await handshake(http, target, clientFor(target, loop))).status,
        close: () => http.close(),
      };
    },
  };
}

const clientCredentials: Scenario = {
  name: 'client-credentials',
  description: 'client_credentials + private_key_jwt (ES256 assertion signed per request, fresh jti)',
  kinds: ['titan', 'peer'],
  async prepare(target, concurrency) {
    const path = target.kind === 'peer' ? '/token' : '/oauth2/token';
    const audience = `${target.issuer}${path}`;
    const http = new HttpClient(target.origin, concurrency);
    const request = (client: BenchClient): Promise<HttpResponse> =>
      http.form(path, {
        grant_type: 'client_credentials',
        client_id: client.id,
        client_assertion_type: JWT_BEARER_ASSERTION,
        client_assertion: clientAssertion(client.key.privateKey, client.id, audience),
        scope: 'bench:read',
      });
    const probe = await request(clientFor(target, 0));
    if (probe.status === 404) {
      http.close();
      return NOT_AVAILABLE;
    }
    if (probe.status !== 200) process.stderr.write(`${target.name} client-credentials probe: ${probe.status} ${probe.text.slice(0, 300)}\n`);
    return { inProcess: false, op: async (loop) => (await request(clientFor(target, loop))).status, close: () => http.close() };
  },
};

const introspect: Scenario = {
  name: 'introspect',
  description: 'RFC 7662 introspection of a valid token (caller: titan:introspect bearer)',
  kinds: ['titan'],
  async prepare(target, concurrency) {
    const http = new HttpClient(target.origin, concurrency);
    const tokens = await Promise.all(target.clients.slice(0, 8).map((c) => mintToken(target, c)));
    const headers = { authorization: `Bearer ${await target.adminToken()}` };
    const request = (loop: number): Promise<HttpResponse> => http.form('/oauth2/introspect', { token: tokens[loop % tokens.length]! }, headers);
    const probe = await request(0);
    if (probe.status === 404) {
      http.close();
      return NOT_AVAILABLE;
    }
    return {
      inProcess: false,
      op: async (loop) => {
        const res = await request(loop);
        // An inactive answer to a valid token is a failure of the scenario, not a success.
        return res.status === 200 && !res.text.includes('"active":true') ? 'inactive' : res.status;
      },
      close: () => http.close(),
    };
  },
};

const jwks: Scenario = {
  name: 'jwks',
  description: 'JWKS fetch',
  kinds: ['titan', 'peer', 'floor'],
  async prepare(target, concurrency) {
    const http = new HttpClient(target.origin, concurrency);
    const path = target.kind === 'peer' ? '/jwks' : '/.well-known/jwks.json';
    return { inProcess: false, op: async () => (await http.send({ method: 'GET', path })).status, close: () => http.close() };
  },
};

const verify: Scenario = {
  name: 'verify',
  description: '@titan/verifier createTitanVerifier against the live JWKS, in this process (verifications per CPU-s of the bench)',
  kinds: ['titan'],
  async prepare(target) {
    const tokens = await Promise.all(target.clients.slice(0, 8).map((c) => mintToken(target, c)));
    const verifier = createTitanVerifier({ issuer: target.issuer, audience: 'urn:bench' });
    await verifier.verify(tokens[0]!); // fetches the JWKS once
    return {
      inProcess: true,
      op: async (loop) => {
        await verifier.verify(tokens[loop % tokens.length]!);
        return 0;
      },
      close: () => undefined,
    };
  },
};

export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = {
  handshake: handshakeScenario('handshake'),
  'handshake-c1': handshakeScenario('handshake-c1'),
  'client-credentials': clientCredentials,
  introspect,
  jwks,
  verify,
};
