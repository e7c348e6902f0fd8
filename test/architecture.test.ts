/**
 * The layering of src/, checked on the import statements themselves.
 *
 * A "unit" is a top-level folder of src/ (src/nn is split into its concept folders). Units sit in
 * layers, lowest first; a unit may import from its own layer or any lower one, never from a higher
 * one, and the folder graph must have no cycle (two units of one layer may not import each other).
 * The order is what the code does today, and what it should keep doing:
 *
 *   1 core         numerics, errors, rng, points: imports nothing of ours.
 *   2 io           file formats and atomic file writes (npy, files); used by data, nn and the CLI.
 *     schedules    noise schedules alpha_t, sigma_t and their coefficients.
 *     ot           optimal transport solvers and distances.
 *   3 data         datasets and samplers (may read .npy files through io).
 *     processes    forward Fokker-Planck processes (use schedules).
 *   4 fields       exact velocity fields of those processes on those data (use ot for OT maps).
 *   5 thermo       the physics: entropy production, Wasserstein speed, speed-accuracy relations.
 *     nn/models    MLP forward, ONNX graphs, engines, model formats and files.
 *   6 nn/train     flow-matching training, couplings, learning-rate schedule, checkpoints.
 *     nn/sample    integrating a learned flow (ODE) or its reverse SDE.
 *   7 nn/evaluate  scoring a learned flow against exact fields and data.
 *   8 config       JSON config parsing: turns a user's file into library calls (any layer below).
 *     report       text, tables and charts of results (reads result types of thermo and nn).
 *     a2a          the all-to-all OT flow method (built on nn, ot and data).
 *   9 experiments  the paper reproductions (use config, report and everything below).
 *  10 sweep        grids of runs over experiments and configs.
 *  11 cli          the only place that prints, exits or reads argv.
 *
 * The entries src/index.ts and src/node.ts may re-export any unit except cli. A new folder must be
 * added to LAYERS (the test names it): decide where its imports put it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Units by layer, lowest first (see the file comment for what each one is). */
const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['io', 'schedules', 'ot'],
  ['data', 'processes'],
  ['fields'],
  ['thermo', 'nn/models'],
  ['nn/train', 'nn/sample'],
  ['nn/evaluate'],
  ['config', 'report', 'a2a'],
  ['experiments'],
  ['sweep'],
  ['cli'],
];

/** Files at the root of src/ that re-export the library; they may import every unit but these. */
const ENTRIES: Readonly<Record<string, readonly string[]>> = { 'index.ts': ['cli'], 'node.ts': ['cli'] };

type Edge = { from: string; to: string };

/** Relative imports of every .ts file under `root`, as root-relative paths with '/' separators. */
function fileImports(root: string): Edge[] {
  const edges: Edge[] = [];
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8');
    const pattern = /(?:import|export)[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gms;
    for (const m of text.matchAll(pattern)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec.startsWith('.')) continue;
      const to = relative(root, normalize(join(root, dirname(f), spec)));
      edges.push({ from: f.split(sep).join('/'), to: to.split(sep).join('/') });
    }
  }
  return edges;
}

/** The unit of a src-relative file: the longest unit name that is a folder prefix of it. */
function unitOf(file: string, units: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const u of units) if (file.startsWith(`${u}/`) && (best === undefined || u.length > best.length)) best = u;
  return best;
}

/** Layer-order problems of a file graph: unknown folders, upward imports, entries importing forbidden units. */
function layerViolations(edges: readonly Edge[], layers: readonly (readonly string[])[], entries: Readonly<Record<string, readonly string[]>>): string[] {
  const rank = new Map<string, number>();
  layers.forEach((us, i) => {
    for (const u of us) rank.set(u, i);
  });
  const units = [...rank.keys()];
  const problems = new Set<string>();
  for (const { from, to } of edges) {
    const ut = unitOf(to, units);
    if (from in entries) {
      if (ut !== undefined && entries[from].includes(ut)) problems.add(`${from} imports ${to}: the entry must not reach ${ut}`);
      continue;
    }
    const uf = unitOf(from, units);
    if (uf === undefined || ut === undefined) {
      const stray = uf === undefined ? from : to;
      problems.add(`${dirname(stray)}/ (e.g. ${stray}) is in no unit of LAYERS in test/architecture.test.ts: add it where its imports put it`);
      continue;
    }
    const rf = rank.get(uf) as number;
    const rt = rank.get(ut) as number;
    if (rt > rf) problems.add(`${from} (${uf}, layer ${rf + 1}) imports ${to} (${ut}, layer ${rt + 1}): an upward import`);
  }
  return [...problems];
}

/** Strongly connected components with more than one node (Tarjan), each sorted. */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (from === to) continue;
    if (!next.has(from)) next.set(from, []);
    if (!next.has(to)) next.set(to, []);
    (next.get(from) as string[]).push(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) as string[]) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** The folder-level graph of a file graph (imports between different units only). */
function unitEdges(edges: readonly Edge[], layers: readonly (readonly string[])[]): Edge[] {
  const units = layers.flat();
  const out: Edge[] = [];
  for (const { from, to } of edges) {
    const uf = unitOf(from, units);
    const ut = unitOf(to, units);
    if (uf !== undefined && ut !== undefined && uf !== ut) out.push({ from: uf, to: ut });
  }
  return out;
}

describe('architecture', () => {
  it('the checker finds upward imports, unknown folders and cycles (so the real check can fail)', () => {
    const layers = [['low'], ['mid', 'peer'], ['high']];
    const edges: Edge[] = [
      { from: 'high/a.ts', to: 'mid/b.ts' },
      { from: 'low/c.ts', to: 'mid/b.ts' },
      { from: 'mid/b.ts', to: 'peer/d.ts' },
      { from: 'peer/d.ts', to: 'mid/e.ts' },
      { from: 'stray/f.ts', to: 'low/c.ts' },
      { from: 'index.ts', to: 'high/a.ts' },
    ];
    const v = layerViolations(edges, layers, { 'index.ts': ['high'] });
    assert.equal(v.length, 3, v.join('\n'));
    assert.ok(v.some((s) => s.startsWith('low/c.ts (low, layer 1) imports mid/b.ts')));
    assert.ok(v.some((s) => s.startsWith('stray/ (e.g. stray/f.ts) is in no unit of LAYERS')));
    assert.ok(v.some((s) => s.startsWith('index.ts imports high/a.ts')));
    assert.deepEqual(cycles(unitEdges(edges, layers)), [['mid', 'peer']]);
    assert.deepEqual(cycles(edges), []);
    assert.deepEqual(cycles([...edges, { from: 'mid/e.ts', to: 'peer/d.ts' }]), [['mid/e.ts', 'peer/d.ts']]);
  });

  const edges = fileImports(src);

  it('reads the real import graph (a tiny graph would make the checks vacuous)', () => {
    // ~200 files with several relative imports each; fewer than 500 edges means the regex broke
    assert.ok(edges.length > 500, `read ${edges.length} imports`);
    const missing = edges.filter((e) => !readdirSync(join(src, dirname(e.to))).includes(e.to.split('/').pop() as string));
    assert.deepEqual(missing, [], 'every import resolves to a file');
  });

  it('no import runs from a lower layer to a higher one, and every folder has a layer', () => {
    assert.deepEqual(layerViolations(edges, LAYERS, ENTRIES), []);
  });

  it('no import cycle between folders', () => {
    assert.deepEqual(cycles(unitEdges(edges, LAYERS)), []);
  });

  it('no import cycle between files', () => {
    assert.deepEqual(cycles(edges), []);
  });
});
