# azd postdeploy hook: phase two of `azd up` (see azure.yaml). Creates the Event Grid subscriptions once the
# functions they point at are deployed. azd exports the environment's values (.azure/<env>/.env) to hooks
# and runs them from the project root. Same logic as enable-event-subscriptions.sh.
$ErrorActionPreference = 'Stop'

# Subscribe exactly the Event Grid functions the code just deployed registers (app.eventGrid('name', ...),
# one per file under packages/app/functions/): a subscription to a function that is not deployed fails the deployment.
$names = Get-ChildItem -Path packages/app/functions -Filter *.ts |
  Select-String -Pattern "app\.eventGrid\('([A-Za-z0-9_]+)'" -AllMatches |
  ForEach-Object { $_.Matches } | ForEach-Object { $_.Groups[1].Value }
$registered = ($names | Sort-Object -Unique -CaseSensitive) -join ','

if (-not $registered) {
  Write-Host 'No Event Grid functions registered under functions/: no subscriptions to create.'
  exit 0
}

if ($env:DEPLOY_EVENT_SUBSCRIPTIONS -eq 'true' -and $env:EVENT_GRID_FUNCTIONS -eq $registered) {
  Write-Host "Event Grid subscriptions are up to date ($registered)."
  exit 0
}

azd env set EVENT_GRID_FUNCTIONS $registered
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
azd env set DEPLOY_EVENT_SUBSCRIPTIONS true
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }

# The host indexes newly deployed functions moments after the deploy; retry a little rather than fail on
# "Destination endpoint not found" from that race.
$delay = if ($env:EVENT_SUBSCRIPTIONS_RETRY_SECONDS) { [int]$env:EVENT_SUBSCRIPTIONS_RETRY_SECONDS } else { 30 }
for ($attempt = 1; $attempt -le 3; $attempt++) {
  azd provision --no-prompt
  if ($LASTEXITCODE -eq 0) { exit 0 }
  if ($attempt -lt 3) {
    Write-Host "Retrying (attempt $($attempt + 1) of 3)..."
    Start-Sleep -Seconds $delay
  }
}
# Back to phase one, or the next `azd up` would fail in provision, before it could deploy a fix.
azd env set DEPLOY_EVENT_SUBSCRIPTIONS false
Write-Host "Could not create the Event Grid subscriptions for: $registered. Fix the cause above, then run azd up again."
exit 1
