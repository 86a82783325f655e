import { randomBytes } from 'node:crypto';

const DAY_SECONDS = 24 * 3600;
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An incomingCallContext in the shape ACS issues: an unsigned JWT (`alg: none`, empty signature) whose payload
 * holds the opaque call context (`cc`) and a signed token with its expiry (`shrToken`). The emulator only ever
 * looks it up whole; the shape is for apps that check it before answering. ACS does not document its lifetime:
 * a day here, far past any ring, so a check never refuses a call that still rings.
 */
export function newIncomingCallContext(now = new Date()): string {
  const issued = Math.floor(now.getTime() / 1000);
  const shrToken = [
    part({ alg: 'RS256', typ: 'JWT' }),
    part({ iat: issued, exp: issued + DAY_SECONDS, acsScope: 'voip' }),
    randomBytes(32).toString('base64url'),
  ].join('.');
  return [part({ alg: 'none', typ: 'JWT' }), part({ cc: randomBytes(48).toString('base64'), shrToken }), ''].join('.');
}
