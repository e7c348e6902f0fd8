import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSwissRoll, swissRollExperiment, swissRollSettings } from '../../src/experiments/swissRoll.ts';

test('runSwissRoll (tiny sizes): every protocol runs, the chain holds, housekeeping only for g > 0', () => {
  const s = swissRollSettings(true);
  const tiny = { ...s, nData: 60, engine: { estimator: 'particles' as const, nParticles: 60, steps: 16, nW1: 5, nSplit: 3, d0Cells: 80, d0Samples: 2000 } };
  const { main, fig5, draws } = runSwissRoll({ ...tiny, draws: 2 }, 3);
  // the first draw of the statistics is the run shown in the figures; the second is a new draw
  assert.deepEqual(
    draws.map((d) => d.label),
    ['g=0', 'g=3', 'g=5', 'OT'],
  );
  draws.forEach((d, i) => {
    assert.equal(d.eta.length, 2);
    assert.equal(d.eta[0], main[i].result.eta);
    assert.equal(d.wD[0], main[i].result.wD);
    assert.notEqual(d.eta[1], d.eta[0], `${d.label}: second draw has its own data`);
    // D0 of the force processes depends on the data (P_tau is a mixture over the points); OT ends exactly at N(0, I)
    if (d.label !== 'OT') assert.notEqual(d.d0[1], d.d0[0], `${d.label}: D0 of the second draw`);
  });
  // a single draw reproduces the first draw bit for bit (same rng stream)
  const single = runSwissRoll({ ...tiny, draws: 1, gs: [0] }, 3);
  assert.equal(single.main[0].result.eta, main[0].result.eta);
  assert.deepEqual(
    main.map((r) => r.label),
    ['g=0', 'g=3', 'g=5', 'OT'],
  );
  assert.deepEqual(
    fig5.map((r) => r.label),
    ['cosine', 'cond-OT', 'OT'],
  );
  for (const r of [...main, ...fig5]) assert.ok(r.result.chainHolds, `chain for ${r.label}`);
  assert.equal(main[0].result.housekeeping, 0);
  assert.ok(main[1].result.housekeeping > 0 && main[2].result.housekeeping > main[1].result.housekeeping);
  assert.equal(main[3].result.housekeeping, 0);
  assert.equal(swissRollExperiment.name, 'swiss-roll');
  // minutes on 2 cores: kept out of the default run so `npm start` stays under a minute
  assert.equal(swissRollExperiment.runsByDefault, false);
});
