#!/usr/bin/env node
/**
 * Microbenchmark of the crypto-lane options for one P-256 verify + one ES256 sign (a handshake's
 * crypto): inline node:crypto, libuv-pool node:crypto (callback form), and Titan's Piscina lane.
 * Reports operations per second and CPU-seconds of this process (all threads) per operation.
 *
 * Usage: node dist/lane-micro.js [--seconds 3] [--concurrency 50] [--lane-module PATH]
 *   PATH: a built @titan/adapter-crypto-lane dist/index.js (default: the workspace's).
 */
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { resolve } from 'node:path';
import { cpuSeconds } from './proc';

interface Lane {
  verify(request: unknown): Promise<boolean>;
  sign(request: unknown): Promise<Uint8Array>;
  close(): Promise<void>;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, fallback: string): string => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1]! : fallback;
  };
  const seconds = Number(opt('--seconds', '3'));
  const concurrency = Number(opt('--concurrency', '50'));
  const laneModule = resolve(opt('--lane-module', resolve(__dirname, '../../../libs/adapters/crypto-lane/dist/index.js')));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createCryptoLane } = require(laneModule) as { createCryptoLane(kind: string, options?: object): Lane };

  const client = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const server = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = client.publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string };
  const thumbprint = createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
  const privateJwk = server.privateKey.export({ format: 'jwk' }) as Record<string, string>;
  const message = Buffer.from('titan-pop-v1\nhttp://127.0.0.1:8000\nbench-0\nchallenge-id-0123456789\nnonce-0123456789abcdef0123456789abcdef0123');
  const signature = sign('sha256', message, { key: client.privateKey, dsaEncoding: 'ieee-p1363' });
  const signingInput = Buffer.from('eyJhbGciOiJFUzI1NiJ9.' + 'x'.repeat(300));
  const laneKey = { kid: 'k1', alg: 'ES256', privateJwk };
  const verifyRequest = { key: { thumbprint, jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } }, data: message, signature };

  const variants: Record<string, () => Promise<void>> = {
    inline: async () => {
      if (!verify('sha256', message, { key: client.publicKey, dsaEncoding: 'ieee-p1363' }, signature)) throw new Error('verify');
      sign('sha256', signingInput, { key: server.privateKey, dsaEncoding: 'ieee-p1363' });
    },
    'libuv-async': async () => {
      const ok = await new Promise<boolean>((res, rej) =>
        verify('sha256', message, { key: client.publicKey, dsaEncoding: 'ieee-p1363' }, signature, (e, v) => (e ? rej(e) : res(v))),
      );
      if (!ok) throw new Error('verify');
      await new Promise<Buffer>((res, rej) => sign('sha256', signingInput, { key: server.privateKey, dsaEncoding: 'ieee-p1363' }, (e, s) => (e ? rej(e) : res(s))));
    },
  };
  const inlineLane = createCryptoLane('inline');
  const piscinaLane = createCryptoLane('piscina');
  for (const [name, lane] of [['titan-inline-lane', inlineLane], ['titan-piscina-lane', piscinaLane]] as const) {
    variants[name] = async () => {
      if (!(await lane.verify(verifyRequest))) throw new Error('verify');
      await lane.sign({ key: laneKey, data: signingInput });
    };
  }

  process.stdout.write(`| variant (verify + sign) | ops/s | CPU ms/op (all threads) |\n|---|--:|--:|\n`);
  for (const [name, op] of Object.entries(variants)) {
    for (let i = 0; i < 200; i++) await op(); // warm caches and threads
    let ops = 0;
    const end = performance.now() + seconds * 1000;
    const c0 = cpuSeconds(process.pid);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end && ops < 5_000_000) {
          await op();
          ops++;
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(process.pid) - c0;
    process.stdout.write(`| ${name} | ${(ops / elapsed).toFixed(0)} | ${((cpu / ops) * 1000).toFixed(3)} |\n`);
  }
  await inlineLane.close();
  await piscinaLane.close();
}

void main();
