// Azure Communication Services, and its connection to Azure AI: ACS's system-assigned identity gets
// "Cognitive Services User" on the AI account, which is what lets Call Automation play TTS and
// recognise speech with that account (the portal's "Connect cognitive service" does the same).
param name string
param tags object = {}
param aiServicesName string
@description('Geography ACS keeps its data in; cannot change once the resource exists.')
param dataLocation string = 'United States'

var cognitiveServicesUserRoleId = 'a97b65f3-24c7-4388-baec-2e87135dc908' // Cognitive Services User

resource acs 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: name
  location: 'global' // ACS is a global resource; data residency is dataLocation
  tags: tags
  identity: {
    type: 'SystemAssigned' // Call Automation calls Azure AI as this identity
  }
  properties: {
    dataLocation: dataLocation
    disableLocalAuth: true // no access key works: the app signs in with its managed identity only
  }
}

resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: aiServicesName
}

resource acsUsesAi 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ai.id, acs.id, cognitiveServicesUserRoleId) // guid(scope, principal, role); acs.id stands for its identity: names must be known before deployment
  scope: ai
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cognitiveServicesUserRoleId)
    principalId: acs.identity.principalId
    principalType: 'ServicePrincipal' // a brand-new identity: skip the Entra lookup that may not see it yet
  }
}

output id string = acs.id
output name string = acs.name
output endpoint string = 'https://${acs.properties.hostName}' // ACS_ENDPOINT: the app signs in with its identity, no connection string
output immutableResourceId string = acs.properties.immutableResourceId // ACS_IMMUTABLE_RESOURCE_ID: audience of the callback JWTs
output principalId string = acs.identity.principalId
