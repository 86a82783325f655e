import type { Services } from './buildServices';

export type { Services } from './buildServices';

let services: Promise<Services> | undefined;

/**
 * The app's long-lived clients and loaded flows, built once from the validated config. The SDK clients,
 * the flow parser and everything behind them load here, on first use, not when the worker imports the
 * functions (cold start). The start-up hook makes the first use, so a bad setting or flow stops start-up.
 */
export function getServices(): Promise<Services> {
  services ??= import('./buildServices.js')
    .then(({ buildServices }) => buildServices())
    .catch((error: unknown) => {
      services = undefined; // nothing half-built is kept: the next use tries again and reports the same error
      throw error;
    });
  return services;
}
