#!/bin/sh
# azd postdeploy hook: phase two of `azd up` (see azure.yaml). Creates the Event Grid subscriptions once the
# functions they point at are deployed. azd exports the environment's values (.azure/<env>/.env) to hooks
# and runs them from the project root.
set -eu

# Subscribe exactly the Event Grid functions the code just deployed registers (app.eventGrid('name', ...),
# one per file under packages/app/functions/): a subscription to a function that is not deployed fails the deployment.
registered=$(grep -ho "app\.eventGrid('[A-Za-z0-9_]*'" packages/app/functions/*.ts 2>/dev/null \
  | sed "s/^app\.eventGrid('//; s/'\$//" | LC_ALL=C sort -u | paste -sd, -) || true

if [ -z "$registered" ]; then
  echo "No Event Grid functions registered under packages/app/functions/: no subscriptions to create."
  exit 0
fi

if [ "${DEPLOY_EVENT_SUBSCRIPTIONS:-false}" = "true" ] && [ "${EVENT_GRID_FUNCTIONS:-}" = "$registered" ]; then
  echo "Event Grid subscriptions are up to date ($registered)."
  exit 0
fi

azd env set EVENT_GRID_FUNCTIONS "$registered"
azd env set DEPLOY_EVENT_SUBSCRIPTIONS true

# The host indexes newly deployed functions moments after the deploy; retry a little rather than fail on
# "Destination endpoint not found" from that race.
attempt=1
until azd provision --no-prompt; do
  if [ "$attempt" -ge 3 ]; then
    # Back to phase one, or the next `azd up` would fail in provision, before it could deploy a fix.
    azd env set DEPLOY_EVENT_SUBSCRIPTIONS false
    echo "Could not create the Event Grid subscriptions for: $registered. Fix the cause above, then run azd up again." >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  echo "Retrying (attempt $attempt of 3)..."
  sleep "${EVENT_SUBSCRIPTIONS_RETRY_SECONDS:-30}"
done
