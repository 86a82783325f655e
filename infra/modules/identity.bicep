// The function app's user-assigned identity: created before the app, so role assignments and the
// deployment-storage auth can reference it, and it survives re-creating the app.
param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId // AZURE_CLIENT_ID: tells DefaultAzureCredential which identity to use
output principalId string = identity.properties.principalId // what role assignments grant to
