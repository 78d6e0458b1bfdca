import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config';
import { summariseConfig } from './config-summary';

describe('summariseConfig', () => {
  it('describes production settings without revealing a secret', () => {
    const secrets = { kek: 'K'.repeat(43), pepper: 'P'.repeat(43), token: 'T'.repeat(40), password: 'hunter2-db-password' };
    const summary = summariseConfig(loadConfig({
      DATABASE_URL: `postgres://titan:${secrets.password}@db.internal:5432/titan`,
      REDIS_URL: `redis://:${secrets.password}@cache.internal:6379`,
      TITAN_KEK: secrets.kek, TITAN_SECRET_PEPPER: secrets.pepper, TITAN_METRICS_TOKEN: secrets.token,
    }));
    const text = JSON.stringify(summary);
    for (const secret of Object.values(secrets)) assert.ok(!text.includes(secret), 'no secret in the summary');
    assert.equal(summary['mode'], 'production (PostgreSQL)');
    assert.equal(summary['database'], 'postgres://db.internal:5432/titan schema public');
    assert.equal(summary['redis'], 'redis://cache.internal:6379 prefix titan:');
    assert.equal(summary['kek'], 'set (hidden)');
    assert.equal(summary['metrics'], 'main port, bearer token');
  });

  it('describes the embedded defaults', () => {
    const summary = summariseConfig(loadConfig({ TITAN_DATA_DIR: '/var/lib/titan' }));
    assert.equal(summary['mode'], 'embedded (/var/lib/titan)');
    assert.equal(summary['kek'], 'file /var/lib/titan/kek');
    assert.equal(summary['redis'], 'in memory');
    assert.equal(summary['metrics'], 'not exposed');
  });
});
