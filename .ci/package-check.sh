#!/usr/bin/env bash
# Package check (issue 16): the npm package works outside this repository.
#   1. npm pack (runs `prepare` = the build); the tarball holds dist/, bin/, configs/, docs, README,
#      LICENSE, CHANGELOG and nothing of src/, test/, bench/, .ci/, lab/, out/, runs/.
#   2. npm install of the tarball into an empty project, without the optional training packages
#      (onnxruntime-node, onnx-proto) and with no install-script workaround set.
#   3. plain node imports both entries and computes (checked against brute force / invariants).
#   4. a strict nodenext TypeScript consumer (noUncheckedIndexedAccess, exactOptionalPropertyTypes,
#      skipLibCheck false) and a DOM-only consumer of the core entry type-check.
#   5. the installed bin: --help (and what it loads: no vega/resvg/onnx), `ot` on two .npy files
#      and `speed-accuracy` on a shipped config (same numbers as the library), `train` without
#      onnxruntime-node (exit 2, one line naming the package), a sweep, `optimize-schedule` with its
#      report (same numbers as the library).
# Options: --with-training also installs onnxruntime-node + onnx-proto into the consumer and runs a
# 20-step training (about +30 s and 300 MB). --keep keeps the temporary folder.
# Needs the repo's node_modules (for tsc). Installs come from the npm registry or npm's cache
# (--prefer-offline). Exit 0 when everything holds; the first failure stops it with its reason.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$repo/.ci/package-check
with_training=0
keep=0
for a in "$@"; do
  case $a in
    --with-training) with_training=1 ;;
    --keep) keep=1 ;;
    *) echo "package-check: unknown option $a" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d "${TMPDIR:-/tmp}/thermodiff-package-check.XXXXXX")
if [ "$keep" = 0 ]; then trap 'rm -rf "$work"' EXIT; else echo "package-check: keeping $work"; fi
say() { echo "package-check: $*"; }
fail() { echo "package-check: FAILED: $*" >&2; exit 1; }
t0=$(date +%s)

# 1. pack ------------------------------------------------------------------------------------------
cd "$repo"
npm pack --pack-destination "$work" --json --loglevel=error >"$work/pack.json"
node - "$work/pack.json" <<'EOF'
const [pack] = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const files = pack.files.map((f) => f.path);
const need = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/thermodiff.js', 'dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/node.d.ts', 'dist/cli/main.js', 'configs/fig6-mean-cosine.json'];
const missing = need.filter((f) => !files.includes(f));
const stray = files.filter((f) => /^(src|test|bench|\.ci|lab|out|runs|node_modules)\//.test(f) || /\.tmp-|\.tsbuildinfo$/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
if (missing.length || stray.length) {
  console.error(`package-check: FAILED: tarball ${missing.length ? `lacks ${missing.join(', ')}` : ''} ${stray.length ? `holds ${stray.slice(0, 10).join(', ')}${stray.length > 10 ? ' ...' : ''}` : ''}`);
  process.exit(1);
}
console.log(`package-check: ${pack.filename}: ${pack.entryCount} files, ${(pack.size / 1024).toFixed(1)} kB packed, ${(pack.unpackedSize / 1024).toFixed(1)} kB unpacked`);
EOF
tgz=$(ls "$work"/thermodiff-*.tgz)

# 2. install into an empty project (no onnxruntime install-script workaround in the environment) --
consumer=$work/consumer
mkdir -p "$consumer"
cp "$fixtures"/check.mjs "$fixtures"/check.ts "$fixtures"/browser.ts "$fixtures"/tsconfig.json "$fixtures"/tsconfig.browser.json "$fixtures"/trace-hook.mjs "$consumer"/
printf '{ "name": "consumer", "version": "1.0.0", "private": true, "type": "module" }\n' >"$consumer/package.json"
types_node=$(node -p "require('$repo/node_modules/@types/node/package.json').version")
cd "$consumer"
env -u ONNXRUNTIME_NODE_INSTALL -u npm_config_onnxruntime_node_install \
  npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tgz" "@types/node@$types_node" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; fail "npm install of the tarball into an empty project"; }
for p in onnxruntime-node onnx-proto protobufjs tsx; do
  [ ! -e "node_modules/$p" ] || fail "the consumer got $p installed (it must be optional or dev-only)"
done
say "installed into an empty project in $(($(date +%s) - t0)) s so far; $(du -sm node_modules | cut -f1) MB node_modules, no onnxruntime-node"

# 3. plain node -------------------------------------------------------------------------------------
mkdir -p "$work/io"
node check.mjs "$work/io" | sed 's/^/package-check: /'

# 4. strict TypeScript consumers (the repo's tsc) ----------------------------------------------------
"$repo/node_modules/.bin/tsc" -p tsconfig.json || fail "strict nodenext consumer does not type-check against the shipped declarations"
"$repo/node_modules/.bin/tsc" -p tsconfig.browser.json || fail "DOM-only consumer of the core entry does not type-check"
say "strict nodenext consumer and DOM-only consumer type-check (skipLibCheck false)"

# 5. the installed bin ------------------------------------------------------------------------------
bin=$consumer/node_modules/.bin/thermodiff
trace=$work/help-trace.txt
THERMODIFF_TRACE=$trace node --import ./trace-hook.mjs "$bin" --help >"$work/help.txt" || fail "thermodiff --help exited $?"
grep -q 'speed-accuracy' "$work/help.txt" || fail "thermodiff --help does not list speed-accuracy"
# (the CLI is one esbuild bundle; the experiments are in its lazily loaded chunks/registry-*.js)
if grep -E '/node_modules/(vega|vega-lite|@resvg|onnxruntime-node|onnx-proto)/|/dist/experiments/|/chunks/registry-' "$trace" >"$work/heavy.txt"; then
  fail "thermodiff --help loaded heavy modules: $(head -3 "$work/heavy.txt" | tr '\n' ' ')"
fi
say "thermodiff --help ok; it loaded $(grep -c . "$trace") modules, none of vega, resvg, onnxruntime, experiments"
"$bin" reproduce --help | grep -q '^  1d' || fail "thermodiff reproduce --help does not list the experiments"

node - "$bin" "$work/io" <<'EOF'
const { spawnSync } = require('child_process');
const { join } = require('path');
const [bin, io] = process.argv.slice(2);
const exp = JSON.parse(require('fs').readFileSync(join(io, 'expected.json'), 'utf8'));
const run = (...args) => spawnSync(bin, args, { encoding: 'utf8' });
const die = (msg) => { console.error(`package-check: FAILED: ${msg}`); process.exit(1); };
const ot = run('ot', join(io, 'a.npy'), join(io, 'b.npy'), '--json');
if (ot.status !== 0) die(`thermodiff ot exited ${ot.status}: ${ot.stderr}`);
const otr = JSON.parse(ot.stdout);
if (otr.cost !== exp.otCost || otr.certificate?.optimal !== true) die(`thermodiff ot cost ${otr.cost}, library ${exp.otCost}`);
const sa = run('speed-accuracy', '--config', exp.configPath, '--json');
if (sa.status !== 0) die(`thermodiff speed-accuracy exited ${sa.status}: ${sa.stderr}`);
const sar = JSON.parse(sa.stdout);
for (const [k, lib] of [['eta', exp.eta], ['c1', exp.c1], ['c2', exp.c2], ['D0', exp.d0]]) if (sar[k] !== lib) die(`speed-accuracy ${k} = ${sar[k]}, library ${lib}`);
console.log(`package-check: thermodiff ot (cost ${otr.cost}) and speed-accuracy (eta ${sar.eta}) print the library's numbers to the last digit`);
if (!exp.ortInstalled) {
  const cfg = require.resolve('thermodiff/package.json', { paths: [process.cwd()] }).replace(/package\.json$/, 'configs/train-8gaussians-gaussian.json');
  const tr = spawnSync(bin, ['train', '--config', cfg, '--quiet'], { encoding: 'utf8', cwd: io });
  const lines = tr.stderr.trim().split('\n');
  if (tr.status !== 2 || lines.length !== 1 || !/^thermodiff: error: onnxruntime-node is not installed; .*npm install onnxruntime-node/.test(lines[0])) {
    die(`thermodiff train without onnxruntime-node: expected exit 2 and one line naming it, got ${tr.status}: ${tr.stderr}`);
  }
  console.log(`package-check: thermodiff train without onnxruntime-node: exit 2, "${lines[0].slice(0, 90)}..."`);
}
EOF

# the installed sweep: its worker processes load the bundled dist/cli/sweepWorker.js ----------------
printf '{"command": "speed-accuracy", "config": "%s", "grid": {"tau": [1, 2]}}\n' \
  "$consumer/node_modules/thermodiff/configs/fig6-mean-cosine.json" >"$work/sweep.json"
"$bin" sweep plan "$work/sweep.json" --out "$work/sweep" >/dev/null || fail "thermodiff sweep plan"
"$bin" sweep run "$work/sweep" --workers 1 --quiet || fail "thermodiff sweep run (worker process from the bundle)"
"$bin" sweep merge "$work/sweep" --json >"$work/sweep-merged.json" || fail "thermodiff sweep merge exited $?"
node -e "
  const m = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
  if (m.done !== 2 || m.rows.some((r) => !(r.result.eta > 0))) { console.error('package-check: FAILED: installed sweep merged', m.done, 'of', m.tasks); process.exit(1); }
" "$work/sweep-merged.json"
say "thermodiff sweep plan/run/merge from the installed package: 2 tasks on a worker process"

# optimize-schedule from the installed bin: the library's numbers, and its report (charts load lazily) --
os_cfg=$consumer/node_modules/thermodiff/configs/fig6-mean-cosine.json
"$bin" optimize-schedule --config "$os_cfg" --nfe 2 --max-iterations 5 --panels 32 --json --report "$work/os-report" >"$work/os.json" ||
  fail "thermodiff optimize-schedule exited $?"
[ -s "$work/os-report/report.md" ] && [ -s "$work/os-report/grids.png" ] || fail "thermodiff optimize-schedule --report wrote no report"
node --input-type=module -e "
  import { readFileSync } from 'node:fs';
  import { runOptimizeScheduleConfig } from 'thermodiff';
  const cli = JSON.parse(readFileSync(process.argv[1], 'utf8'));
  const lib = await runOptimizeScheduleConfig(JSON.parse(readFileSync(process.argv[2], 'utf8')), { nfe: 2, maxIterations: 5, panels: 32 });
  const same = cli.L === lib.L && cli.c2 === lib.c2 && cli.grids.every((g, i) => g.endpointError === lib.grids[i].endpointError && g.times.every((t, j) => t === lib.grids[i].times[j]));
  if (!same) { console.error('package-check: FAILED: optimize-schedule from the bin differs from the library'); process.exit(1); }
  console.log('package-check: thermodiff optimize-schedule (L ' + cli.L + ', optimised W2 ' + cli.grids[4].w2 + ') prints the library numbers; report written');
" "$work/os.json" "$os_cfg"

# optional: the training path with the optional packages installed --------------------------------
if [ "$with_training" = 1 ]; then
  ONNXRUNTIME_NODE_INSTALL=skip npm install --prefer-offline --no-audit --no-fund --loglevel=error \
    "onnxruntime-node@$(node -p "require('$repo/node_modules/onnxruntime-node/package.json').version")" \
    "onnx-proto@$(node -p "require('$repo/node_modules/onnx-proto/package.json').version")" >>"$work/install.log" 2>&1 ||
    { cat "$work/install.log" >&2; fail "npm install onnxruntime-node onnx-proto"; }
  node -e "
    const c = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
    c.train = { ...c.train, steps: 20, checkpointEvery: 10, warmup: 2 };
    c.data.n = 2000; c.out = 'run';
    require('fs').writeFileSync('train.json', JSON.stringify(c));
  " node_modules/thermodiff/configs/train-8gaussians-gaussian.json
  "$bin" train --config train.json --quiet --json >"$work/train.json" || fail "thermodiff train with onnxruntime-node installed"
  "$bin" sample --model run --n 100 --out run/samples.npy --solver euler --steps 10 >/dev/null || fail "thermodiff sample"
  "$bin" optimize-schedule --model run --nfe 4 --starts 50 --eval-starts 50 --max-iterations 3 --panels 8 --out run/grid.json >/dev/null ||
    fail "thermodiff optimize-schedule --model"
  "$bin" sample --model run --grid run/grid.json --n 100 --out run/samples-grid.npy >/dev/null || fail "thermodiff sample --grid"
  say "with onnxruntime-node installed: train (20 steps), sample, optimize-schedule --model and sample --grid ok: $(cat "$work/train.json")"
fi

say "all checks passed in $(($(date +%s) - t0)) s"
