import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rehearseDeployment } from '../../support/deployRehearsal';

describe('the deployment rehearsal of the Function App', () => {
  it('packages the api as azd would, and the package alone answers a call and summarises its recording', async () => {
    const { code, output } = await rehearseDeployment('api');
    assert.equal(code, 0, output);
    for (const line of [
      /api: azd's restore, build and package steps ran/,
      /api: it holds only production dependencies and compiled JavaScript, no tests, sources or sandbox/,
      /api: \d+ compiled modules load from the artifact alone/,
      /api: all \d+ functions of packages\/app register from the artifact/,
      /api: an IncomingCall to the main line is answered/,
      /api: the voicemail recording is transcribed and summarised .* with managed identity tokens/,
    ])
      assert.match(output, line);
    assert.doesNotMatch(output, /bridge:/, 'only the api was rehearsed');
  });
});
