# azd postdeploy hook: phase two of `azd up` (see azure.yaml). Creates the Event Grid subscriptions once the
# functions they point at are deployed. azd exports the environment's values (.azure/<env>/.env) to hooks.
$ErrorActionPreference = 'Stop'

if ($env:DEPLOY_EVENT_SUBSCRIPTIONS -eq 'true') {
  Write-Host 'Event Grid subscriptions already provisioned (DEPLOY_EVENT_SUBSCRIPTIONS=true).'
  exit 0
}

azd env set DEPLOY_EVENT_SUBSCRIPTIONS true
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }

# The host indexes newly deployed functions within moments of the deploy; retry a little rather than fail
# on "Destination endpoint not found" from a race.
for ($attempt = 1; $attempt -le 3; $attempt++) {
  azd provision --no-prompt
  if ($LASTEXITCODE -eq 0) { exit 0 }
  if ($attempt -lt 3) {
    Write-Host "Retrying in 30 s (attempt $($attempt + 1) of 3)..."
    Start-Sleep -Seconds 30
  }
}
# Back to phase one, or the next `azd up` would fail in provision, before it could deploy the fix.
azd env set DEPLOY_EVENT_SUBSCRIPTIONS false
Write-Host 'Could not create the Event Grid subscriptions: is every function in EVENT_GRID_FUNCTIONS deployed?'
Write-Host 'Narrow it (azd env set EVENT_GRID_FUNCTIONS incomingCall,recordingFileStatusUpdated) or deploy them, then run azd up again.'
exit 1
