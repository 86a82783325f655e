import { app } from '@azure/functions';
import { getServices } from '../shared/app/services';
import { startTelemetry } from '../shared/telemetry/startTelemetry';

// Validate every app setting and every flow file once, when the app starts: a wrong setting or flow
// stops start-up with a message naming it, instead of failing the first call that needs it.
// Telemetry first, so the metric instruments created later report to Application Insights.
app.hook.appStart(async () => {
  await startTelemetry();
  await getServices();
});
