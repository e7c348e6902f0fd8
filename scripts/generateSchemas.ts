/**
 * Write schemas/<command>.json, the JSON Schema of every config-driven command, from the valibot
 * schemas of src/config/schema (docs/config.md). Run `npm run schemas` after changing them;
 * test/config/jsonSchemas.test.ts fails while a file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toJsonSchema } from '@valibot/to-json-schema';
import { CONFIG_COMMANDS, type ConfigCommand, configSchema, sweepFileSchema } from '../src/config/schema/commands.ts';

/** The folder the schemas are written to. */
export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

/** The schema files: every config command, and `sweep` (sweep files). */
export const SCHEMA_NAMES = [...CONFIG_COMMANDS, 'sweep'] as const;

/** The text of schemas/<name>.json. */
export function jsonSchemaText(name: ConfigCommand | 'sweep'): string {
  const schema = name === 'sweep' ? sweepFileSchema() : configSchema(name);
  const { $schema, ...rest } = toJsonSchema(schema, { errorMode: 'ignore', target: 'draft-07' });
  const title = name === 'sweep' ? 'thermodiff sweep file' : `thermodiff ${name} config`;
  return `${JSON.stringify({ $schema, title, ...rest }, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const c of SCHEMA_NAMES) {
    writeFileSync(join(SCHEMA_DIR, `${c}.json`), jsonSchemaText(c));
    process.stdout.write(`schemas/${c}.json\n`);
  }
}
