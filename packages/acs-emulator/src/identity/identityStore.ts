// Communication users and their access tokens (JWTs signed by the emulator; the SDK only decodes `exp`,
// Chat requests are checked against the signature, expiry, revocation and deletion).
import { randomUUID } from 'node:crypto';
import { acsErrors } from '../errors';
import type { TokenSigner } from '../tokenSigner';

interface User {
  id: string;
  /** Tokens issued before this instant (seconds) are revoked. */
  revokedBefore: number;
}

export const SCOPES = ['chat', 'voip', 'chat.join', 'voip.join', 'chat.join.limited'];

export class IdentityStore {
  private readonly users = new Map<string, User>();

  constructor(
    private readonly signer: TokenSigner,
    private readonly resourceId: string,
  ) {}

  create(): string {
    const id = `8:acs:${this.resourceId}_${randomUUID()}`;
    this.users.set(id, { id, revokedBefore: 0 });
    return id;
  }

  exists(id: string): boolean {
    return this.users.has(id);
  }

  delete(id: string): void {
    if (!this.users.delete(id)) throw acsErrors.identityNotFound();
  }

  revoke(id: string): void {
    const user = this.users.get(id);
    if (!user) throw acsErrors.identityNotFound();
    user.revokedBefore = Math.floor(Date.now() / 1000) + 1;
  }

  async issue(id: string, scopes: unknown, expiresInMinutes: unknown): Promise<{ token: string; expiresOn: string }> {
    if (!this.users.has(id)) throw acsErrors.identityNotFound();
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => SCOPES.includes(String(s)))) {
      throw acsErrors.invalidScopes();
    }
    const minutes = expiresInMinutes === undefined || expiresInMinutes === null ? 1440 : Number(expiresInMinutes);
    if (!Number.isInteger(minutes) || minutes < 60 || minutes > 1440) throw acsErrors.invalidTokenLifetime();
    const token = await this.signer.sign(
      {
        skypeid: id.replace(/^8:/, ''),
        scp: 1792,
        csi: String(Math.floor(Date.now() / 1000)),
        acsScope: scopes.join(','),
        resourceId: this.resourceId,
        sub: id,
      },
      minutes * 60,
    );
    return { token, expiresOn: new Date(Date.now() + minutes * 60_000).toISOString() };
  }

  /** The user a bearer token belongs to, or a 401. */
  async verify(token: string): Promise<string> {
    let claims: Record<string, unknown>;
    try {
      claims = await this.signer.verify(token);
    } catch {
      throw acsErrors.invalidToken('The token is expired, malformed or not issued by this resource.');
    }
    const user = this.users.get(typeof claims.sub === 'string' ? claims.sub : '');
    if (!user) throw acsErrors.invalidToken('The identity no longer exists.');
    if (Number(claims.iat ?? 0) < user.revokedBefore) throw acsErrors.invalidToken('The token was revoked.');
    return user.id;
  }
}
