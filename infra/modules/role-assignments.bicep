// Data-plane roles for one principal: the function app's identity, or the developer running azd.
// Every assignment is scoped to the one resource it is for, never the resource group.
param principalId string

@description('ServicePrincipal for the app identity; empty to let Azure resolve (developer: user locally, service principal in CI).')
@allowed([ 'ServicePrincipal', 'User', 'Group', '' ])
param principalType string = ''

param storageAccountName string
param aiServicesName string
param communicationServiceName string
param applicationInsightsName string

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Functions host (leases, blob triggers' receipts) + recordings/transcripts/summaries
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Durable Functions control/work-item queues
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Durable Functions history/instances tables, opt-out list
  cognitiveServicesUser: 'a97b65f3-24c7-4388-baec-2e87135dc908' // Language (summaries, PII) and Speech (transcription) with Entra tokens
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // App Insights ingestion with local auth disabled
  // ACS data plane (Call Automation, SMS, Chat, Identity) with Entra auth: ACS checks Azure RBAC on the
  // resource and has no data-only built-in role (and ignores custom roles). "Communication and Email
  // Service Owner" is the narrowest built-in role that works: it is scoped to Microsoft.Communication,
  // unlike Contributor which would also let the app rewrite any resource it is assigned on.
  communicationAndEmailServiceOwner: '09976791-48a7-449e-bb21-39d1a415f350'
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: aiServicesName
}

resource acs 'Microsoft.Communication/communicationServices@2025-05-01' existing = {
  name: communicationServiceName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]: {
  name: guid(storage.id, principalId, roleId) // guid(scope, principal, role): stable across re-provisioning
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: principalId
    principalType: empty(principalType) ? null : principalType // null omits the property
  }
}]

resource aiRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ai.id, principalId, roles.cognitiveServicesUser)
  scope: ai
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.cognitiveServicesUser)
    principalId: principalId
    principalType: empty(principalType) ? null : principalType
  }
}

resource acsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(acs.id, principalId, roles.communicationAndEmailServiceOwner)
  scope: acs
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.communicationAndEmailServiceOwner)
    principalId: principalId
    principalType: empty(principalType) ? null : principalType
  }
}

resource monitoringRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: empty(principalType) ? null : principalType
  }
}
