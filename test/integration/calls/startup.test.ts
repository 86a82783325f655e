import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHostProcess } from '@switchboard/sandbox/hostProcess';
import { appSettings } from '../../support/appSettings';
import { appDir } from '../../support/paths';

const validSettings = { ...appSettings, TASKHUB_NAME: 'startuptest', CALLBACK_BASE_URL: 'http://127.0.0.1:7071' };

describe('the app starting up', () => {
  it('refuses to start with a wrong flow file, naming the file, the step and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-badflow-'));
    writeFileSync(
      join(dir, 'support.yaml'),
      'flows:\n  support:\n    numbers: ["+18005550100"]\n    start: menu\n    steps:\n      menu: { ask: "Press 1", choices: [{ label: a, dtmf: "11", next: bye }] }\n      bye: { hangup: true }\n',
    );
    await assert.rejects(
      startHostProcess(appDir, { ...validSettings, FLOWS_PATH: dir }),
      /support\.yaml: flow "support", step "menu", field "choices\[0\]\.dtmf"/,
    );
  });

  it('refuses to start with wrong settings, naming every one that is wrong', async () => {
    await assert.rejects(
      startHostProcess(appDir, {
        ...validSettings,
        CALLBACK_BASE_URL: 'not a url',
        INSIGHTS_PROVIDER: 'cloud',
        ACS_CONNECTION_STRING: '',
        FLOWS_PATH: join(appDir, 'flows'),
      }),
      (error: Error) => {
        assert.match(error.message, /CALLBACK_BASE_URL: must be an absolute/);
        assert.match(error.message, /INSIGHTS_PROVIDER/);
        assert.match(error.message, /ACS_ENDPOINT: set ACS_ENDPOINT \(managed identity\) or ACS_CONNECTION_STRING/);
        return true;
      },
    );
  });
});
