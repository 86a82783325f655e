// An Event Grid system topic with a system-assigned identity: Event Grid dead-letters undeliverable
// events into the `deadletter` container as this identity (no storage key anywhere). One system topic
// per source resource: the ACS resource (calls, SMS, chat) and the storage account (BlobCreated for the
// Event Grid-based blob triggers Flex Consumption requires).
param name string
param location string = 'global'
param tags object = {}
param sourceId string
@allowed([ 'Microsoft.Communication.CommunicationServices', 'Microsoft.Storage.StorageAccounts' ])
param topicType string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: sourceId
    topicType: topicType
  }
}

output name string = topic.name
output id string = topic.id
output principalId string = topic.identity.principalId
