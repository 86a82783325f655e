import { createHmac } from 'node:crypto';
import { ValidationError } from '@switchboard/core/errors';

// A customer is found across channels by an HMAC of their address with the deployment's secret salt
// (INSIGHTS_CUSTOMER_SALT), so storage never holds the number and a table of every number's hash cannot
// be precomputed without the salt.

const E164 = /^\+[1-9]\d{6,14}$/;

/** "+1 (425) 555-0123" -> "+14255550123"; ACS user ids ("8:acs:...") are kept as they are. */
export function normaliseCustomerAddress(address: string): string {
  const trimmed = address.trim().replace(/^4:/, ''); // 4: is ACS's raw-id prefix for a phone number
  if (/^\d+:/.test(trimmed)) return trimmed; // an ACS user (8:acs:...) or Teams id
  const compact = trimmed.replace(/[\s().-]/g, '');
  if (!E164.test(compact))
    throw new ValidationError('The customer must be an E.164 phone number (such as +14255550123) or an ACS user id.');
  return compact;
}

/** The hashed identity annotations carry for a customer address. */
export function customerHash(address: string, salt: string): string {
  return createHmac('sha256', salt).update(normaliseCustomerAddress(address)).digest('hex');
}

/** The hash, or undefined when the address is not one a customer could have (a test id, an empty string). */
export function customerHashOrUndefined(address: string | undefined, salt: string | undefined): string | undefined {
  if (!address || !salt) return undefined;
  try {
    return customerHash(address, salt);
  } catch {
    return undefined;
  }
}
