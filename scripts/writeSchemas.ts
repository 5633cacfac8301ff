// `npm run schema`: writes schemas/run.schema.json and schemas/study.schema.json (draft 2020-12) from
// the parsers' field tables. test/model/schema.test.ts fails when the committed files are stale.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, schemaTexts } from './schemas.ts';

for (const [path, text] of Object.entries(await schemaTexts())) {
  writeFileSync(join(ROOT, path), text);
  process.stdout.write(`wrote ${path}\n`);
}
