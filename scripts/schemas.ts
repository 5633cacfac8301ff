// The JSON Schema files `npm run schema` writes, as text: generated from the field tables of the
// run-file and study-file parsers (src/model/runFields.ts, src/study/studyFields.ts) and formatted
// as prettier formats the repository, so the committed files pass `prettier --check` unchanged.

import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { runFileSchema } from '../src/model/runFields.ts';
import { studyFileSchema } from '../src/study/studyFields.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Repository path → generated schema. */
export const SCHEMAS = {
  'schemas/run.schema.json': runFileSchema,
  'schemas/study.schema.json': studyFileSchema,
};

/** Repository path → the text the generator writes there now. */
export async function schemaTexts(): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  for (const [path, schema] of Object.entries(SCHEMAS)) {
    const filepath = `${ROOT}${path}`;
    const config = (await prettier.resolveConfig(filepath)) ?? {};
    texts[path] = await prettier.format(JSON.stringify(schema()), { ...config, filepath });
  }
  return texts;
}
