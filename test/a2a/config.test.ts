import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseA2AConfig } from '../../src/a2a/a2aConfig.ts';
import { ANNULUS_CONFIG } from '../../src/a2a/annulusConfig.ts';

describe('a2a config', () => {
  it('configs/a2a-annulus.json is the config the reproduction uses, and parses', () => {
    const file = JSON.parse(readFileSync('configs/a2a-annulus.json', 'utf8'));
    assert.deepEqual(file, JSON.parse(JSON.stringify(ANNULUS_CONFIG)));
    const cfg = parseA2AConfig(file);
    assert.equal(cfg.beta, 4);
    assert.equal(cfg.method, 'a2a');
  });

  it('rejects unknown keys, bad methods and bad data kinds with the key named', () => {
    const base = { data: { kind: 'quarter-annulus', n: 100 }, hidden: [8], steps: 2, batchSize: 4, lr: 1e-3 };
    assert.throws(() => parseA2AConfig({ ...base, betta: 3 }), /unknown key "betta"/);
    assert.throws(() => parseA2AConfig({ ...base, method: 'si' }), /config\.method/);
    assert.throws(() => parseA2AConfig({ ...base, data: { kind: 'csv' } }), /config\.data\.kind/);
    assert.throws(() => parseA2AConfig({ ...base, beta: 0 }), /config\.beta/);
    assert.throws(() => parseA2AConfig({ ...base, method: 'pdcfg', partial: { partialT: 2, guidance: 0.3 } }), /partialT/);
  });
});
