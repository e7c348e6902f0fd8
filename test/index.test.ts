import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as lib from '../src/index.ts';
import * as nodeLib from '../src/node.ts';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Every module reachable from `entry` through relative imports, with its bare imports. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    const bare: string[] = [];
    for (const m of text.matchAll(/(?:import|export)[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gs)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) stack.push(normalize(join(dirname(file), spec)));
      else bare.push(spec);
    }
    seen.set(file, bare);
  }
  return seen;
}

describe('package entry points', () => {
  it('the main entry reaches no Node-only module (the browser lab runs it)', () => {
    const graph = reachable(join(src, 'index.ts'));
    // a tiny graph would mean the regex stopped following imports and the check became vacuous
    assert.ok(graph.size > 60, `followed ${graph.size} modules`);
    const nodeOnly = /^(node:|fs$|path$|os$|child_process$|worker_threads$|onnxruntime|onnx-proto|@resvg|pngjs)/;
    for (const [file, bare] of graph) {
      const bad = bare.filter((s) => nodeOnly.test(s));
      assert.deepEqual(bad, [], `${file.slice(src.length + 1)} imports ${bad.join(', ')}`);
    }
  });

  it('every library module is reachable from one of the two entries (no module left out of the barrels)', () => {
    const reached = new Set([...reachable(join(src, 'index.ts')).keys(), ...reachable(join(src, 'node.ts')).keys()]);
    const all = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('cli'))
      .map((f) => join(src, f));
    const missing = all.filter((f) => !reached.has(f)).map((f) => f.slice(src.length + 1));
    assert.deepEqual(missing, []);
  });

  it('exports the main functions of each area, and the node entry adds the Node-only ones', () => {
    for (const name of ['Rng', 'solveOde', 'cosineSchedule', 'scheduleMixtureField', 'emd', 'sinkhorn', 'speedAccuracy1d', 'speedAccuracyNd', 'entropyProductionRate', 'readNpy', 'lineChart']) {
      assert.equal(typeof (lib as Record<string, unknown>)[name], 'function', name);
    }
    for (const name of ['trainFlowModel', 'createMlpEngine', 'svgToPng', 'loadFashionMnist']) {
      assert.equal((lib as Record<string, unknown>)[name], undefined, `${name} is Node-only`);
      assert.equal(typeof (nodeLib as Record<string, unknown>)[name], 'function', name);
    }
  });
});
