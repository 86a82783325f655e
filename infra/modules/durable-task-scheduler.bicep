// The Durable Task Scheduler backend (main.bicep durableBackend 'dts'): a scheduler on the Consumption SKU
// and the task hub the app's TASKHUB_NAME names. The app reaches it with its user-assigned identity
// (Durable Task Data Contributor); the developer gets the same role for the scheduler's dashboard.
param name string
param location string
param tags object = {}
@description('Must equal the app\'s TASKHUB_NAME: the extension opens the hub of that name.')
param taskHubName string
param appPrincipalId string
@description('Object id of the developer (AZURE_PRINCIPAL_ID), for the dashboard; empty for none.')
param developerPrincipalId string = ''

var durableTaskDataContributor = '0ad04412-c4d5-4796-b79c-f76d14c8d402'

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: { name: 'Consumption' }
    ipAllowlist: [ '0.0.0.0/0' ] // required: an empty list refuses everyone; callers still need an Entra role
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

resource appAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(scheduler.id, appPrincipalId, durableTaskDataContributor)
  scope: scheduler
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributor)
  }
}

resource developerAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(scheduler.id, developerPrincipalId, durableTaskDataContributor)
  scope: scheduler
  properties: {
    principalId: developerPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributor)
  }
}

output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
