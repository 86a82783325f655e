// ACS raw ids of phone numbers carry the prefix "4:" ("4:+1555..."); everything that compares, stores or
// dials numbers uses the plain E.164 form.

const PHONE_PREFIX = '4:';

/** "4:+1555..." (an ACS raw id) or "+1555..." -> "+1555..."; other ids unchanged. */
export function phoneNumberOf(id: string): string {
  return id.startsWith(PHONE_PREFIX) ? id.slice(PHONE_PREFIX.length) : id;
}

/** E.164 number of an identifier when it is a phone, else its raw id. */
export function addressOf(id: { rawId: string; phoneNumber?: { value: string } }): string {
  return id.phoneNumber?.value ?? phoneNumberOf(id.rawId);
}
