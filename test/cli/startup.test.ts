/**
 * CLI start-up stays cheap: the modules that `thermodiff` loads before it parses its arguments
 * (the static import graph of src/cli/main.ts, i.e. main, every command's register() file and what
 * they import) reach none of the heavy packages (vega, vega-lite, resvg, onnxruntime, onnx-proto)
 * and no paper experiment. Commands load those inside their actions with `await import(...)`
 * (see src/cli/commands/index.ts). A command that imports them eagerly fails here, not on a
 * stopwatch.
 *
 * The graph is read from what the compiler emits (ts.transpileModule per file), so type-only
 * imports, which cost nothing at run time, do not count, and dynamic imports are not followed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Packages the CLI must not load at start. */
const HEAVY = /^(vega($|-)|@resvg\/|onnxruntime|onnx-proto)/;

interface StaticGraph {
  /** Every module file reached, mapped to the file that first imported it (the entry maps to null). */
  parent: Map<string, string | null>;
  /** Bare (package) specifiers, each with the first file that imports it. */
  packages: Map<string, string>;
}

/** Module specifiers of the static import/export-from declarations the compiler emits for `code`. */
function emittedStaticImports(code: string, file: string): string[] {
  const js = ts.transpileModule(code, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
  const sf = ts.createSourceFile(`${file}.js`, js, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  const specs: string[] = [];
  for (const st of sf.statements) {
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      specs.push(st.moduleSpecifier.text);
    }
  }
  return specs;
}

/** The static import graph from `entry`, reading files with `read`. */
function staticGraph(entry: string, read: (file: string) => string): StaticGraph {
  const parent = new Map<string, string | null>([[entry, null]]);
  const packages = new Map<string, string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    for (const spec of emittedStaticImports(read(file), file)) {
      if (spec.startsWith('.')) {
        const to = normalize(join(dirname(file), spec));
        if (!parent.has(to)) {
          parent.set(to, file);
          stack.push(to);
        }
      } else if (!packages.has(spec)) {
        packages.set(spec, file);
      }
    }
  }
  return { parent, packages };
}

/** `a.ts -> b.ts -> c.ts`: how the entry reaches `file`, src-relative. */
function chain(g: StaticGraph, file: string, root: string): string {
  const path: string[] = [];
  for (let f: string | null | undefined = file; f; f = g.parent.get(f)) path.unshift(relative(root, f));
  return path.join(' -> ');
}

/** Problems of a graph: heavy packages and experiment modules it reaches, each with its chain. */
function startupProblems(g: StaticGraph, root: string): string[] {
  const out: string[] = [];
  for (const [pkg, file] of g.packages) if (HEAVY.test(pkg)) out.push(`${pkg} imported by ${chain(g, file, root)}`);
  for (const file of g.parent.keys()) if (relative(root, file).startsWith('experiments/')) out.push(`experiment module reached: ${chain(g, file, root)}`);
  return out;
}

const readSrc = (file: string) => readFileSync(file, 'utf8');

describe('CLI start-up graph', () => {
  it('the checker counts value imports only: type-only imports and dynamic imports are not followed', () => {
    const files: Record<string, string> = {
      '/v/main.ts': "import type { A } from 'vega-lite';\nimport { b } from './b.ts';\nexport const a: A | undefined = undefined;\nexport async function f() { return (await import('vega')).View; }\nexport const c = b;\n",
      '/v/b.ts': "import { x } from 'onnxruntime-node';\nimport { T } from './t.ts';\nexport { e } from './experiments/e.ts';\nexport const b: T = x;\n",
      '/v/t.ts': 'export interface T { y: number }\n',
      '/v/experiments/e.ts': 'export const e = 1;\n',
    };
    const g = staticGraph('/v/main.ts', (f) => files[f] as string);
    assert.deepEqual([...g.parent.keys()].sort(), ['/v/b.ts', '/v/experiments/e.ts', '/v/main.ts']);
    assert.deepEqual([...g.packages.keys()], ['onnxruntime-node']);
    assert.deepEqual(startupProblems(g, '/v'), ['onnxruntime-node imported by main.ts -> b.ts', 'experiment module reached: main.ts -> b.ts -> experiments/e.ts']);
  });

  it('the checker finds the heavy packages where they are (PNG output reaches resvg, and vega through the charts)', () => {
    const g = staticGraph(join(src, 'report', 'png.ts'), readSrc);
    for (const pkg of ['vega', 'vega-lite', '@resvg/resvg-js']) assert.ok(g.packages.has(pkg), `png.ts reaches ${pkg}`);
    assert.equal(startupProblems(g, src).length, 3);
  });

  it('src/cli/main.ts reaches no heavy package and no experiment before parsing arguments', () => {
    const g = staticGraph(join(src, 'cli', 'main.ts'), readSrc);
    // every command file and its helpers: a handful of files would mean the walk broke
    assert.ok(g.parent.size > 40, `followed ${g.parent.size} modules`);
    assert.ok(g.packages.has('commander'));
    assert.deepEqual(startupProblems(g, src), []);
  });
});
