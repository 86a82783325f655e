import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rehearseDeployment } from '../../support/deployRehearsal';

describe('the deployment rehearsal of the media bridge', () => {
  it("builds what the bridge's Dockerfile builds, without Docker, and the result starts and answers /healthz", async () => {
    const { code, output } = await rehearseDeployment('bridge');
    assert.equal(code, 0, output);
    assert.match(output, /bridge: the Dockerfile's 2 stages built in clean folders/);
    assert.match(output, /bridge: the image holds only production dependencies and compiled JavaScript/);
    assert.match(output, /bridge: the bridge starts from the image's files alone .* \/healthz answers 200/);
    assert.match(output, /bridge: the apology is spoken by the flite WebAssembly build in the image/);
  });
});
