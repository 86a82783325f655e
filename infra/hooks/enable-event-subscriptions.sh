#!/bin/sh
# azd postdeploy hook: phase two of `azd up` (see azure.yaml). Creates the Event Grid subscriptions once the
# functions they point at are deployed. azd exports the environment's values (.azure/<env>/.env) to hooks.
set -eu

if [ "${DEPLOY_EVENT_SUBSCRIPTIONS:-false}" = "true" ]; then
  echo "Event Grid subscriptions already provisioned (DEPLOY_EVENT_SUBSCRIPTIONS=true)."
  exit 0
fi

azd env set DEPLOY_EVENT_SUBSCRIPTIONS true

# The host indexes newly deployed functions within moments of the deploy; retry a little rather than fail
# on "Destination endpoint not found" from a race.
attempt=1
until azd provision --no-prompt; do
  if [ "$attempt" -ge 3 ]; then
    # Back to phase one, or the next `azd up` would fail in provision, before it could deploy the fix.
    azd env set DEPLOY_EVENT_SUBSCRIPTIONS false
    echo "Could not create the Event Grid subscriptions: is every function in EVENT_GRID_FUNCTIONS deployed?" >&2
    echo "Narrow it (azd env set EVENT_GRID_FUNCTIONS incomingCall,recordingFileStatusUpdated) or deploy them, then run azd up again." >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  echo "Retrying in 30 s (attempt $attempt of 3)..."
  sleep 30
done
