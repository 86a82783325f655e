// RS256 signing for callback JWTs and Identity access tokens, with the public keys served as a JWKS.
// jose is ESM-only and this package compiles to CommonJS, hence the dynamic import.
import { createPublicKey, generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';

import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
type Jose = typeof JoseModule;
let josePromise: Promise<Jose> | undefined;
export function loadJose(): Promise<Jose> {
  josePromise ??= import('jose');
  return josePromise;
}

export interface Jwk {
  kty: string;
  kid: string;
  alg: string;
  use: string;
  n?: string;
  e?: string;
}

export class TokenSigner {
  readonly kid = randomUUID();
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor() {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = createPublicKey(pair.privateKey);
  }

  jwk(): Jwk {
    const { kty, n, e } = this.publicKey.export({ format: 'jwk' });
    return { kty: kty ?? 'RSA', n, e, kid: this.kid, alg: 'RS256', use: 'sig' };
  }

  async sign(claims: Record<string, unknown>, lifetimeSeconds: number): Promise<string> {
    const { SignJWT } = await loadJose();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + lifetimeSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  /** Verifies a token this signer issued; returns its claims or throws. */
  async verify(token: string): Promise<Record<string, unknown>> {
    const { jwtVerify } = await loadJose();
    const { payload } = await jwtVerify(token, this.publicKey, { algorithms: ['RS256'] });
    return payload;
  }
}
