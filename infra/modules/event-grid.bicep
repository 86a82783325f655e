// The Event Grid system topic for the ACS resource. Created in phase one (it needs nothing from the
// app); the subscriptions that point at the functions come in phase two (event-subscriptions.bicep).
// One system topic per source resource: every subscription hangs off this one.
param name string
param tags object = {}
param communicationServiceId string

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: 'global' // the source (ACS) is global
  tags: tags
  properties: {
    source: communicationServiceId
    topicType: 'Microsoft.Communication.CommunicationServices'
  }
}

output name string = topic.name
output id string = topic.id
