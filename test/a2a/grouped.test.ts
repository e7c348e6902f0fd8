import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.ts';
import { groupedRun } from '../../src/a2a/grouped.ts';

describe('groupedRun (Table 1a protocol, small)', () => {
  it('large beta: every row is matched inside its requested class; MSEs finite and A2A below the geodesic', () => {
    const r = groupedRun(new Rng(4), { perClass: 60 });
    assert.equal(r.wrongClass, 0); // exact invariant at beta = 1e4 (blocks have equal counts on both sides)
    assert.equal(r.solver, 'blocks');
    assert.ok(Number.isFinite(r.a2a) && Number.isFinite(r.geodesic));
    // qualitative claim of Table 1a, robust at this size (A2A ~ 0.1, geodesic ~ 0.5 over seeds 1-5)
    assert.ok(r.a2a < r.geodesic, `${r.a2a} vs ${r.geodesic}`);
  });

  it('beta -> 0 ignores the conditions: rows leave their requested class', () => {
    const r = groupedRun(new Rng(4), { perClass: 60, beta: 1e-8 });
    assert.ok(r.wrongClass > 0);
  });
});
