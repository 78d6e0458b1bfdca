import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { fastifyServerOptions } from '../conventions/http-conventions';
import { addressLimitOf } from './rate-limit.guard';

async function clientIp(trusted: string[], remoteAddress: string, forwardedFor?: string): Promise<string> {
  const app = Fastify(fastifyServerOptions({ trustedProxies: trusted }));
  app.get('/ip', async (request) => ({ ip: request.ip }));
  try {
    const res = await app.inject({
      method: 'GET', url: '/ip', remoteAddress, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
    return (res.json() as { ip: string }).ip;
  } finally {
    await app.close();
  }
}

describe('client address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', async () => {
    assert.equal(await clientIp([], '203.0.113.9'), '203.0.113.9');
    assert.equal(await clientIp([], '203.0.113.9', '198.51.100.1'), '203.0.113.9');
  });

  it('is the socket peer when the peer is not a trusted proxy', async () => {
    assert.equal(await clientIp(['10.0.0.1'], '203.0.113.9', '198.51.100.1'), '203.0.113.9');
  });

  it('is the rightmost untrusted X-Forwarded-For hop behind trusted proxies', async () => {
    assert.equal(await clientIp(['10.0.0.1'], '10.0.0.1', '198.51.100.1'), '198.51.100.1');
    // A client-written entry on the left is never believed: the last untrusted hop wins.
    assert.equal(await clientIp(['10.0.0.1'], '10.0.0.1', '6.6.6.6, 198.51.100.1'), '198.51.100.1');
    assert.equal(await clientIp(['10.0.0.0/8'], '10.0.0.1', '6.6.6.6, 198.51.100.1, 10.1.2.3'), '198.51.100.1');
    assert.equal(await clientIp(['loopback'], '127.0.0.1', '2001:db8::7'), '2001:db8::7');
  });

  it('falls back to the trusted peer when there is no X-Forwarded-For', async () => {
    assert.equal(await clientIp(['10.0.0.1'], '10.0.0.1'), '10.0.0.1');
  });
});

describe('addressLimitOf', () => {
  it('maps the limited routes and leaves the rest alone', () => {
    assert.equal(addressLimitOf('POST', '/v1/zkp/challenge'), undefined, 'charged by the use case with its other checks');
    assert.equal(addressLimitOf('POST', '/v1/zkp/token'), undefined, 'charged by the use case with its other checks');
    assert.equal(addressLimitOf('POST', '/oauth2/token'), 'oauth_token');
    assert.equal(addressLimitOf('POST', '/oauth2/introspect'), 'introspect');
    assert.equal(addressLimitOf('POST', '/oauth2/revoke'), 'revoke');
    for (const route of ['/v1/identities', '/v1/identities/:id/keys', '/v1/admin/keys/rotate', '/v1/audit', '/v1/audit/head']) {
      assert.equal(addressLimitOf('GET', route), 'admin', route);
    }
    for (const route of ['/health/ready', '/.well-known/jwks.json', '/v1/identitiesx', '/metrics', undefined]) {
      assert.equal(addressLimitOf('GET', route), undefined, String(route));
    }
  });
});
