// node --import ./trace-hook.mjs ...: appends every module URL the ESM loader resolves to the file
// named by THERMODIFF_TRACE (one per line), so a check can see what a command loads at start.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      import { appendFileSync } from 'node:fs';
      export async function resolve(specifier, context, next) {
        const r = await next(specifier, context);
        if (process.env.THERMODIFF_TRACE) appendFileSync(process.env.THERMODIFF_TRACE, r.url + '\\n');
        return r;
      }`),
);
