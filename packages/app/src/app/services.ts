import { lazy } from './lazy';

export type { Services } from './buildServices';

/**
 * The app's long-lived clients and loaded flows, built once from the validated config. The SDK clients,
 * the flow parser and everything behind them load here, on first use, not when the worker imports the
 * functions (cold start). The start-up hook makes the first use, so a bad setting or flow stops start-up.
 */
export const getServices = lazy(() => import('./buildServices.js').then(({ buildServices }) => buildServices()));
