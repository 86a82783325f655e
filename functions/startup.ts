import { app } from '@azure/functions';
import { getServices } from '../shared/app/services';

// Validate every app setting and every flow file once, when the app starts: a wrong setting or flow
// stops start-up with a message naming it, instead of failing the first call that needs it.
app.hook.appStart(() => {
  getServices();
});
