import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSwissRoll, swissRollExperiment, swissRollSettings } from '../../src/experiments/swissRoll.ts';

test('runSwissRoll (tiny sizes): every protocol runs, the chain holds, housekeeping only for g > 0', () => {
  const s = swissRollSettings(true);
  const tiny = { ...s, nData: 60, engine: { nParticles: 60, steps: 16, nW1: 5, nSplit: 3, d0Cells: 80, d0Samples: 2000 } };
  const { main, fig5 } = runSwissRoll(tiny, 3);
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
  // 95 s on 2 idle cores: kept out of the default run so `npm start` stays under a minute
  assert.equal(swissRollExperiment.runsByDefault, false);
});
