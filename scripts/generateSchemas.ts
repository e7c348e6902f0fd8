/**
 * Write schemas/<command>.json, the JSON Schema of every config-driven command, from the valibot
 * schemas of src/config/schema (docs/config.md). Run `npm run schemas` after changing them;
 * test/config/jsonSchemas.test.ts fails while a file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toJsonSchema } from '@valibot/to-json-schema';
import { CONFIG_COMMANDS, type ConfigCommand, configSchema } from '../src/config/schema/commands.ts';

/** The folder the schemas are written to. */
export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

/** The text of schemas/<command>.json. */
export function jsonSchemaText(command: ConfigCommand): string {
  const { $schema, ...rest } = toJsonSchema(configSchema(command), { errorMode: 'ignore', target: 'draft-07' });
  return `${JSON.stringify({ $schema, title: `thermodiff ${command} config`, ...rest }, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const c of CONFIG_COMMANDS) {
    writeFileSync(join(SCHEMA_DIR, `${c}.json`), jsonSchemaText(c));
    process.stdout.write(`schemas/${c}.json\n`);
  }
}
