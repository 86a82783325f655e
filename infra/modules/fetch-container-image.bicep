// The containers of a container app azd already deployed, or none: a provision that recreates the app's
// template from Bicep must keep the image `azd deploy` put there instead of the placeholder. A module of
// its own so it reads the app before the parent template writes it. azd says whether the app exists
// (SERVICE_<NAME>_RESOURCE_EXISTS, set before every provision).
@description('Whether the container app already exists')
param exists bool

@description('Name of the container app')
param name string

resource existingApp 'Microsoft.App/containerApps@2025-01-01' existing = if (exists) {
  name: name
}

output containers array = exists ? existingApp!.properties.template.containers : []
