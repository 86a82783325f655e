import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { flowLanguageDoc, flowLanguageMarkdown } from '../../../scripts/flowLanguageDoc';
import { STEP_KINDS } from '@switchboard/app/flows/flowSchema';
import { repoRoot } from '../../support/paths';

describe('the flow language reference (docs/flow-language.md)', () => {
  it('is current with the flow schema (regenerate: npm run docs)', async () => {
    const committed = readFileSync(`${repoRoot}/docs/flow-language.md`, 'utf8');
    assert.equal(committed, await flowLanguageDoc());
  });

  it('documents every step kind, and every field of a flow', () => {
    const page = flowLanguageMarkdown();
    for (const kind of STEP_KINDS) assert.match(page, new RegExp(`^### \`${kind}\`$`, 'm'));
    for (const field of ['numbers', 'hours.timeZone', 'overflow.whenBusy', 'steps']) {
      assert.ok(page.includes(`| \`${field}\``), `no row for ${field}`);
    }
  });

  it('renders a field added to the schema, with its description', () => {
    const page = flowLanguageMarkdown({
      properties: {
        flows: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['start'],
            properties: {
              start: { type: 'string' },
              priority: { type: 'integer', minimum: 1, maximum: 9, description: 'queue order' },
            },
          },
        },
      },
      $defs: {},
    });
    assert.match(page, /\| `priority` \| integer 1–9 \| +\| queue order \|/);
    assert.match(page, /\| `start` +\| text +\| yes/);
  });
});
