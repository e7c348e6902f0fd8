/**
 * Vite config of the browser lab (root: lab/). `npm run lab` serves it with hot reload;
 * `npm run lab:build` writes a static site to lab/dist/ with relative URLs (base './'), so it works
 * from any static file server and any sub-path.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // vega + vega-lite are one ~1 MB chunk by design (docs/lab.md gives the sizes)
    chunkSizeWarningLimit: 1500,
    // no "plugins took N s" notes: on a loaded shared machine they are noise in test output
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  worker: {
    format: 'es',
    // The worker imports the library's browser entry (src/index.ts), which also exports the chart
    // code and so imports vega; vega's modules register transforms at load time, so the bundler keeps
    // them unless told they can be skipped. The worker never draws: skipping them cuts it from about
    // 615 kB to the numerical code alone.
    rolldownOptions: {
      treeshake: { moduleSideEffects: [{ test: /node_modules[\\/](vega|d3-|topojson-client)/, sideEffects: false }] },
    },
  },
  // the page imports the library from ../src
  server: { fs: { allow: ['..'] } },
});
