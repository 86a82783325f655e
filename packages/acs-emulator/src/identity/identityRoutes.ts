// Identity REST routes (HMAC): create users, issue and revoke tokens, delete users.
import type { AcsContext } from '../context';
import { route, type Route } from '../http/router';

export function identityRoutes(ctx: AcsContext): Route[] {
  const ids = ctx.identities;
  return [
    route('POST', /^\/identities$/, 'hmac', 'createIdentity', async (req) => {
      const id = ids.create();
      const scopes = req.body.createTokenWithScopes;
      if (Array.isArray(scopes) && scopes.length > 0) {
        try {
          const accessToken = await ids.issue(id, scopes, req.body.expiresInMinutes);
          return { status: 201, body: { identity: { id }, accessToken } };
        } catch (err) {
          ids.delete(id);
          throw err;
        }
      }
      return { status: 201, body: { identity: { id } } };
    }),
    route('DELETE', /^\/identities\/([^/]+)$/, 'hmac', 'deleteIdentity', (req) => {
      ids.delete(req.params[0]);
      return { status: 204 };
    }),
    route('POST', /^\/identities\/([^/]+)\/:revokeAccessTokens$/, 'hmac', 'revokeAccessTokens', (req) => {
      ids.revoke(req.params[0]);
      return { status: 204 };
    }),
    route('POST', /^\/identities\/([^/]+)\/:issueAccessToken$/, 'hmac', 'issueAccessToken', async (req) => ({
      status: 200,
      body: await ids.issue(req.params[0], req.body.scopes, req.body.expiresInMinutes),
    })),
  ];
}
