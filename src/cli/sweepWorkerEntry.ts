/**
 * Entry of the bundled sweep worker, `dist/cli/sweepWorker.js` (built by `npm run build:cli`):
 * registers the sweepable commands, then exports the task function of src/sweep/sweepWorker.ts.
 * One self-contained bundle, so the registry it fills is the one the task function reads. Run from
 * the sources, the sweep uses src/sweep/sweepWorker.ts and src/cli/sweepable/index.ts directly.
 */
import './sweepable/index.ts';

export { default } from '../sweep/sweepWorker.ts';
