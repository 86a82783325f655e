import * as df from 'durable-functions';
import { getServices } from '../src/app/services';
import { callFlowOrchestration } from '../src/call/callFlowOrchestration';
import { ActivityNames, OrchestrationNames } from '../src/call/names';

// The call's workflow (shared/callflow/): one durable orchestration per call, and one activity per
// Call Automation request it makes.
df.app.orchestration(OrchestrationNames.callFlow, callFlowOrchestration);
for (const name of Object.values(ActivityNames)) {
  df.app.activity(name, { handler: (input: unknown) => getServices().then((s) => s.activities[name](input as never)) });
}
