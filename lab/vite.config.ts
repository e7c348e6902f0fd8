/**
 * Vite config of the browser lab (root: lab/). `npm run lab` serves it with hot reload;
 * `npm run lab:build` writes a static site to lab/dist/ with relative URLs (base './'), so it works
 * from any static file server and any sub-path.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The library's browser entry (src/index.ts) also exports the chart code, so it imports vega; vega's
 * modules register transforms at load time, so the bundler keeps all of them in any chunk that
 * imports the library unless told they can be skipped. Code that uses vega (charts.ts via
 * vega-embed) still gets them: a module with a used export is included with its load-time code.
 */
const VEGA_HAS_NO_SIDE_EFFECTS = [{ test: /node_modules[\\/](vega|d3-|topojson-client)/, sideEffects: false }];

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // vega + vega-lite are one ~1 MB chunk by design (docs/lab.md gives the sizes)
    chunkSizeWarningLimit: 1500,
    // no "plugins took N s" notes: on a loaded shared machine they are noise in test output
    rolldownOptions: {
      // two pages: the 1-D lab and the 2-D tab (nd.html)
      input: { index: fileURLToPath(new URL('./index.html', import.meta.url)), nd: fileURLToPath(new URL('./nd.html', import.meta.url)) },
      checks: { bundlerTimings: false },
      // the page's entry uses only the library's parser: keep vega out of it (charts.ts loads it)
      treeshake: { moduleSideEffects: VEGA_HAS_NO_SIDE_EFFECTS },
    },
  },
  worker: {
    format: 'es',
    // the worker never draws: without the rule it would carry vega too (615 kB instead of 35 kB)
    rolldownOptions: {
      treeshake: { moduleSideEffects: VEGA_HAS_NO_SIDE_EFFECTS },
    },
  },
  // the page imports the library from ../src
  server: { fs: { allow: ['..'] } },
});
