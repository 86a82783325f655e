// The app's storage: Functions host state, Durable Functions task hub (queues + tables), the blob
// containers from docs/architecture.md, and the Flex Consumption deployment container.
param name string
param location string
param tags object = {}
param deploymentContainerName string
@description('Private networking: the app and bridge come through private endpoints, so refuse other public traffic.')
param vnetEnabled bool = false

// docs/architecture.md contract: the same names in Azure, Azurite and the sandbox.
var dataContainers = [
  'recordings'
  'transcripts'
  'chat-exports'
  'summaries'
  'deadletter'
  'messaging-media' // WhatsApp media customers send (functions/advancedMessageReceived)
]

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false // identity only: no account keys, no SAS signed with them
    defaultToOAuthAuthentication: true // the portal uses Entra too, not keys
    allowBlobPublicAccess: false // recordings and transcripts hold personal data
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
    // Without VNet integration the app reaches storage publicly (RBAC guards it). With it, only private endpoints
    // and trusted Azure services pass: Event Grid dead-letters here with its topic's identity.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: vnetEnabled ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [for container in dataContainers: {
  parent: blobService
  name: container
  properties: { publicAccess: 'None' }
}]

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

output id string = storage.id
output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob // ends with '/'
