import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { flowFileSchema } from './flowFileSchema';

/** The flow language as JSON Schema (draft 2020-12), for editors (yaml-language-server, VS Code). */
export function flowJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(flowFileSchema, { io: 'input' }),
    $id: 'https://switchboard.example/flow.schema.json',
    title: 'Switchboard call flows',
  };
}

export function flowJsonSchemaText(): string {
  return `${JSON.stringify(flowJsonSchema(), null, 2)}\n`;
}

// `node packages/app/dist/src/flows/flowJsonSchema.js packages/app/flows/flow.schema.json` rewrites the committed schema;
// a unit test fails when it is out of date.
if (require.main === module) {
  const target = process.argv[2] ?? 'flows/flow.schema.json';
  writeFileSync(target, flowJsonSchemaText());
  console.log(`wrote ${target}`);
}
