#!/bin/sh
# azd preprovision hook. DEPLOY_EVENT_SUBSCRIPTIONS=true (set by the postdeploy hook) says the Event Grid
# functions are deployed, so provisioning creates subscriptions that point at them; if the resource group
# or the function app was deleted outside `azd down`, that provision fails ("Destination endpoint not
# found") before azd can deploy the code again. Ask Azure whether the functions exist; when they do not,
# go back to phase one (the postdeploy hook returns to phase two after the next deploy).
# Manual equivalent: azd env set DEPLOY_EVENT_SUBSCRIPTIONS false, then azd up.
set -eu

[ "${DEPLOY_EVENT_SUBSCRIPTIONS:-false}" = "true" ] || exit 0

back_to_phase_one() {
  echo "$1: provisioning without the Event Grid subscriptions; the postdeploy hook adds them after the deploy."
  azd env set DEPLOY_EVENT_SUBSCRIPTIONS false
}

if [ -z "${AZURE_SUBSCRIPTION_ID:-}" ] || [ -z "${AZURE_RESOURCE_GROUP:-}" ] || [ -z "${AZURE_FUNCTION_APP_NAME:-}" ]; then
  back_to_phase_one "No deployed function app is recorded in this azd environment"
  exit 0
fi

# azd's own sign-in (no Azure CLI needed); AZURE_RESOURCE_MANAGER_ENDPOINT for other clouds.
arm="${AZURE_RESOURCE_MANAGER_ENDPOINT:-https://management.azure.com}"
token=$(azd auth token --output json 2>/dev/null | sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p') || token=""
if [ -z "$token" ]; then
  echo "Could not get a token from azd to check that the functions still exist; leaving DEPLOY_EVENT_SUBSCRIPTIONS=true." >&2
  echo "If the resource group was deleted outside azd down, run: azd env set DEPLOY_EVENT_SUBSCRIPTIONS false" >&2
  exit 0
fi

body=$(mktemp)
trap 'rm -f "$body"' EXIT
site="$arm/subscriptions/$AZURE_SUBSCRIPTION_ID/resourceGroups/$AZURE_RESOURCE_GROUP/providers/Microsoft.Web/sites/$AZURE_FUNCTION_APP_NAME"
status=$(curl -sS -o "$body" -w '%{http_code}' -H "Authorization: Bearer $token" "$site/functions?api-version=2024-04-01") || status=000

case "$status" in
  200)
    missing=""
    for name in $(echo "${EVENT_GRID_FUNCTIONS:-}" | tr ',' ' '); do
      grep -Eq "\"name\"[[:space:]]*:[[:space:]]*\"$AZURE_FUNCTION_APP_NAME/$name\"" "$body" || missing="$missing $name"
    done
    if [ -n "$missing" ]; then
      back_to_phase_one "Not deployed on $AZURE_FUNCTION_APP_NAME:$missing"
    fi
    ;;
  404)
    back_to_phase_one "The function app $AZURE_FUNCTION_APP_NAME (resource group $AZURE_RESOURCE_GROUP) no longer exists: deleted outside azd down?"
    ;;
  *)
    echo "Could not check the deployed functions (Azure answered $status); leaving DEPLOY_EVENT_SUBSCRIPTIONS=true." >&2
    echo "If the resource group was deleted outside azd down, run: azd env set DEPLOY_EVENT_SUBSCRIPTIONS false" >&2
    ;;
esac
