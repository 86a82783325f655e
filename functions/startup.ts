import { app } from '@azure/functions';
import { getConfig } from '../shared/config';

// Validate every app setting once, when the app starts: a wrong setting stops start-up with a message
// naming it, instead of failing the first call that happens to need it.
app.hook.appStart(() => {
  getConfig();
});
