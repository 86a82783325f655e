import { app } from '@azure/functions';
import { getServices } from '../src/app/services';
import { startTelemetry } from '../src/telemetry/startTelemetry';

// Validate every app setting and every flow file once, when the app starts: a wrong setting or flow
// stops start-up with a message naming it, instead of failing the first call that needs it.
// Telemetry first, so the metric instruments created later report to Application Insights.
app.hook.appStart(async () => {
  await startTelemetry();
  const { config } = await getServices();
  // Not awaited: the keys are fetched while the host starts (a burst of callbacks right after a start would
  // otherwise wait on one cold fetch); if it fails, the first callback fetches them.
  void import('@switchboard/core/acs/verifyCallbackToken').then(({ prefetchCallbackKeys }) =>
    prefetchCallbackKeys({ jwksUrl: config.acs.callbackJwksUrl }).catch(() => undefined),
  );
});
