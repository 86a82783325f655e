// Event Grid system topics write dead-lettered events into the `deadletter` container as their own
// managed identity: Storage Blob Data Contributor on that one container, nothing wider.
param storageAccountName string
param topicPrincipalIds array

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' existing = {
  parent: storage
  name: 'default'
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' existing = {
  parent: blobService
  name: 'deadletter'
}

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in topicPrincipalIds: {
  name: guid(deadLetterContainer.id, principalId, storageBlobDataContributor)
  scope: deadLetterContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]
