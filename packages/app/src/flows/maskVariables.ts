/** Variables as safe to show in status and logs: every digit masked (account numbers, phone numbers). */
export function maskVariables(variables: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) out[key] = String(value).replace(/\d/g, '*');
  return out;
}
