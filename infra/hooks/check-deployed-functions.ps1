# azd preprovision hook (Windows; check-deployed-functions.sh says why). When DEPLOY_EVENT_SUBSCRIPTIONS=true
# but the Event Grid functions no longer exist (resource group or function app deleted outside `azd down`),
# go back to phase one so the provision does not fail before azd can deploy the code again.
# Manual equivalent: azd env set DEPLOY_EVENT_SUBSCRIPTIONS false, then azd up.
$ErrorActionPreference = 'Stop'

if ($env:DEPLOY_EVENT_SUBSCRIPTIONS -ne 'true') { exit 0 }

function Set-PhaseOne([string] $reason) {
  Write-Host "${reason}: provisioning without the Event Grid subscriptions; the postdeploy hook adds them after the deploy."
  azd env set DEPLOY_EVENT_SUBSCRIPTIONS false
  if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Write-Unchecked([string] $reason) {
  [Console]::Error.WriteLine("$reason; leaving DEPLOY_EVENT_SUBSCRIPTIONS=true.")
  [Console]::Error.WriteLine('If the resource group was deleted outside azd down, run: azd env set DEPLOY_EVENT_SUBSCRIPTIONS false')
}

$app = $env:AZURE_FUNCTION_APP_NAME
if (-not $env:AZURE_SUBSCRIPTION_ID -or -not $env:AZURE_RESOURCE_GROUP -or -not $app) {
  Set-PhaseOne 'No deployed function app is recorded in this azd environment'
  exit 0
}

# azd's own sign-in (no Azure CLI needed); AZURE_RESOURCE_MANAGER_ENDPOINT for other clouds.
$arm = if ($env:AZURE_RESOURCE_MANAGER_ENDPOINT) { $env:AZURE_RESOURCE_MANAGER_ENDPOINT } else { 'https://management.azure.com' }
$token = $null
try {
  $tokenJson = azd auth token --output json 2>$null
  if ($LASTEXITCODE -eq 0) { $token = ($tokenJson | Out-String | ConvertFrom-Json).token }
} catch { $token = $null }
if (-not $token) {
  Write-Unchecked 'Could not get a token from azd to check that the functions still exist'
  exit 0
}

$site = "$arm/subscriptions/$($env:AZURE_SUBSCRIPTION_ID)/resourceGroups/$($env:AZURE_RESOURCE_GROUP)/providers/Microsoft.Web/sites/$app"
try {
  $response = Invoke-WebRequest -Uri "$site/functions?api-version=2024-04-01" -Headers @{ Authorization = "Bearer $token" } -SkipHttpErrorCheck
  $status = [int]$response.StatusCode
} catch {
  $status = 0
}

if ($status -eq 200) {
  $deployed = @((($response.Content | ConvertFrom-Json).value) | ForEach-Object { $_.name })
  $missing = @("$($env:EVENT_GRID_FUNCTIONS)".Split(',') | Where-Object { $_ -and -not ($deployed -contains "$app/$_") })
  if ($missing.Count -gt 0) { Set-PhaseOne "Not deployed on ${app}: $($missing -join ' ')" }
} elseif ($status -eq 404) {
  Set-PhaseOne "The function app $app (resource group $($env:AZURE_RESOURCE_GROUP)) no longer exists: deleted outside azd down?"
} else {
  Write-Unchecked "Could not check the deployed functions (Azure answered $status)"
}
