import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSwissRoll, runSwissRollTask, type SwissRollSettings, swissRollExperiment, swissRollSettings, swissRollTasks } from '../../src/experiments/swissRoll.ts';

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

test('otEngine reaches only the OT protocol; w1RefinementError adds the coarse-to-fine change of the W1 numbers to their errors', () => {
  // 60 Swiss-roll points (kernel bandwidth 0.25), short time grid: ~3 s of CPU in all
  const small = (otEngine: SwissRollSettings['otEngine'], engine: SwissRollSettings['engine'] = { estimator: 'quadrature', steps: 20, nW1: 8 }) => ({
    ...swissRollSettings(false),
    nData: 60,
    gs: [0],
    draws: 1,
    engine,
    otEngine,
  });
  const runOt = (s: SwissRollSettings) => runSwissRollTask(swissRollTasks(s, 1).find((t) => t.protocol.kind === 'ot')!).result;
  // routing: the force protocol keeps `engine` (particles here), OT takes `otEngine` over it
  const particles = { estimator: 'particles' as const, nParticles: 60, steps: 16, nW1: 5, nSplit: 3, d0Cells: 80, d0Samples: 2000 };
  const routed = small({ estimator: 'quadrature', cells: 24, coarseCells: 18, steps: 12, nW1: 4 }, particles);
  const force = runSwissRollTask(swissRollTasks(routed, 1).find((t) => t.protocol.kind === 'force')!).result;
  assert.equal(force.estimator, 'particles');
  const ot24 = runOt(routed);
  assert.equal(ot24.estimator, 'quadrature');
  assert.equal(ot24.settings.cells, 24);

  const off = runOt(small({ cells: 32, coarseCells: 24 }));
  const on = runOt(small({ cells: 32, coarseCells: 24, w1RefinementError: true }));
  // the option changes only the stated errors of the W1-derived numbers: values bit for bit, other errors too
  for (const k of ['eta', 'c1', 'c2', 'wD', 'd0', 'w1End', 'w1Start'] as const) assert.equal(on[k], off[k], k);
  for (const k of ['d0', 'wD', 'c2', 'housekeeping']) assert.equal(on.errors[k], off.errors[k], `errors.${k}`);
  assert.equal(on.settings.w1RefinementError, 'on');
  assert.equal(off.settings.w1RefinementError, undefined);
  // invariant: the added part is |fine - coarse| (convergence.values: coarse, fine, extrapolated) over the value;
  // 1e-12 relative: the same few floating-point operations in another order
  for (const k of ['eta', 'w1End'] as const) {
    const [coarse, fine] = on.convergence.values[k];
    const added = Math.abs(fine - coarse) / Math.abs(on[k]);
    assert.ok(Math.abs(on.errors[k] - off.errors[k] - added) <= 1e-12 * on.errors[k], `errors.${k}: ${on.errors[k]} = ${off.errors[k]} + ${added}`);
  }

  // against a finer lattice (48 / 36): the repo's rule for stated errors is "true error at most 3x the stated one"
  // (the closed-form tests of the quadrature estimator); the change to the finer level stands in for the true
  // error here (no closed form for the kernel flow). Measured: eta moves 29 % (stated 20 % with the option,
  // 2.9 % without), c1 25 % (14 % / 2.2 %), c2 0.83 % (0.42 %), W1End 2.3 % (2.1 % / 0.32 %)
  const fine = runOt(small({ cells: 48, coarseCells: 36, w1RefinementError: true }));
  for (const k of ['eta', 'c1', 'c2', 'w1End'] as const) {
    const moved = Math.abs(fine[k] - on[k]) / Math.abs(on[k]);
    assert.ok(moved <= 3 * on.errors[k], `${k}: moved ${moved} against stated ${on.errors[k]} (with w1RefinementError)`);
  }
  // without the option the order band alone understates eta's move by more than the 3x rule allows
  assert.ok(Math.abs(fine.eta - off.eta) / off.eta > 3 * off.errors.eta, 'eta without w1RefinementError');
});
