import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { DELEGATED_SCOPE, Roles } from '@switchboard/app/api/apiAuth';
import { V1_ISSUER } from '@switchboard/sandbox/entraIssuer';
import { repoRoot } from '../../support/paths';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';

// One model for every HTTP function (docs/deploy.md, "Calling the APIs"): anonymous at the platform, so that a
// caller needs no function key, and a credential checked in code. The local host is started with a function key,
// as Azure enforces authLevel (func start does not), so a keyed function shows here as it would in Azure.

/** The functions anyone may reach without an Entra token, and what authenticates each instead. */
const DELIBERATELY_PUBLIC: Record<string, { why: string; anonymousAnswer: number }> = {
  health: {
    why: 'liveness and configuration summary, no personal data (portal health check, npm run smoke)',
    anonymousAnswer: 200,
  },
  callEvents: {
    why: "ACS's RS256 callback JWT and the call's ?s= secret; ACS cannot send a key or an Entra token",
    anonymousAnswer: 401,
  },
  voiceAgent: {
    why: "the call's media token, signed by ACS, which is all the media bridge holds",
    anonymousAnswer: 401,
  },
  callMedia: {
    why: "the call's media token, presented by the media bridge when ACS opens a stream",
    anonymousAnswer: 401,
  },
};

interface HttpFunction {
  name: string;
  trigger: string;
  route: string;
  methods: string[];
  authLevel: string;
}

describe('the HTTP APIs, keyed as Azure keys them', () => {
  let sb: SwitchboardSandbox;
  let functions: HttpFunction[];

  before(async () => {
    sb = await startSwitchboard();
    const listing = (await (await fetch(`${sb.host.url}/admin/functions`)).json()) as HttpFunction[];
    functions = listing.filter((f) => f.trigger === 'httpTrigger');
  });
  after(() => sb?.stop());

  /** A request to a route with its parameters filled in, optionally with a bearer token. */
  const call = (route: string, method: string, token?: string) =>
    fetch(
      `${sb.host.url}${route.replace(/\{(\w+)\??\}/g, (_m, name: string) => (name === 'action' ? 'stop' : `no-such-${name}`))}`,
      {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(method === 'POST' ? { body: '{}' } : {}),
      },
    );

  it('asks no caller for a function key: every HTTP function is anonymous at the platform', () => {
    assert.ok(functions.length >= 10, `the app's HTTP functions are listed (${functions.length})`);
    const keyed = functions.filter((f) => f.authLevel !== 'anonymous').map((f) => `${f.name} (${f.authLevel})`);
    assert.deepEqual(keyed, [], 'the platform would refuse a caller holding only a bearer token');
  });

  it('answers every route without a bearer token with 401 and a Bearer challenge, unless it is deliberately public', async () => {
    for (const name of Object.keys(DELIBERATELY_PUBLIC))
      assert.ok(
        functions.some((f) => f.name === name),
        `${name} is listed as public but the app has no such function`,
      );
    for (const fn of functions) {
      for (const method of fn.methods) {
        const response = await call(fn.route, method);
        await response.body?.cancel();
        const where = `${method} ${fn.route} (${fn.name})`;
        const exempt = DELIBERATELY_PUBLIC[fn.name];
        if (exempt) {
          assert.equal(response.status, exempt.anonymousAnswer, `${where}: ${exempt.why}`);
          continue;
        }
        assert.equal(response.status, 401, `${where} answered without a token`);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /, `${where}: no Bearer challenge`);
      }
    }
  });

  it('passes the smoke check that the API refuses a tokenless request itself, not behind a function key', async () => {
    // smoke.js exits 1 here (telemetry is off locally): its report is what counts.
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(repoRoot, 'scripts', 'smoke.js'),
      sb.host.url,
    ]).catch((error: { stdout: string }) => error);
    assert.match(stdout, /^ok {4}API auth: a request without a token is refused by the app/m, stdout);
  });

  it("takes the tokens Entra issues for the registration: v1.0 and v2.0 app-only tokens and a person's token", async () => {
    const tokens = {
      'v1.0 app-only for the App ID URI': await sb.entra.token({ version: 1 }),
      'v1.0 app-only for the client id': await sb.entra.token({ version: 1, requestedResource: 'clientId' }),
      'v2.0 app-only': await sb.entra.token({ version: 2 }),
      'v1.0 of a person (Azure CLI)': await sb.entra.token({ version: 1, scopes: [DELEGATED_SCOPE] }),
    };
    for (const [shape, token] of Object.entries(tokens)) {
      // Past the token check an unknown call is 404; a refused token would be 401 or 403.
      const response = await call('/api/calls/{callId}', 'GET', token);
      assert.equal(response.status, 404, `${shape}: ${await response.text()}`);
    }
  });

  it('refuses tokens Entra never issues for it or that grant nothing here, saying why', async () => {
    const refused: Array<[string, string, number, RegExp]> = [
      [
        'v2.0 with the App ID URI as audience',
        await sb.entra.token({ version: 2, override: { aud: sb.entra.appIdUri } }),
        401,
        /wrong-audience/,
      ],
      [
        'v1.0 issuer on a v2.0 token',
        await sb.entra.token({ version: 2, override: { iss: V1_ISSUER(sb.entra.tenantId) } }),
        401,
        /wrong-issuer/,
      ],
      ['from another tenant', await sb.entra.token({ tenantId: randomUUID() }), 401, /wrong-tenant/],
      ['without the Calls.Read role', await sb.entra.token({ roles: [Roles.place] }), 403, /Calls\.Read/],
      [
        "a person's without the API's scope",
        await sb.entra.token({ scopes: ['Other.Scope'] }),
        403,
        /user_impersonation/,
      ],
    ];
    for (const [shape, token, status, reason] of refused) {
      const response = await call('/api/calls/{callId}', 'GET', token);
      const text = await response.text();
      assert.equal(response.status, status, `${shape}: ${text}`);
      assert.match(text, reason, shape);
    }
  });
});
