// Event Grid subscriptions from the ACS system topic to the app's Event Grid functions, delivered with
// the AzureFunction endpoint type: Event Grid calls the function by resource id with the platform's own
// key, so no function key or webhook URL ever appears here. Deployed only in phase two (main.bicep
// deployEventSubscriptions): an AzureFunction destination is validated against the deployed function,
// and azd provisions before it deploys code.
param systemTopicName string
param functionAppName string

@description('Which of the subscriptions below to create (names of deployed Event Grid functions).')
param functionNames array

// Function names and event types are contracts shared with functions/*.ts (app.eventGrid(name, ...)).
var subscriptions = [
  {
    function: 'incomingCall'
    eventTypes: [ 'Microsoft.Communication.IncomingCall' ]
    maxDeliveryAttempts: 2 // a ringing call waits about 30 s: a late retry answers a call that is gone
    eventTimeToLiveInMinutes: 1 // same reason: drop rather than deliver stale IncomingCall events
  }
  {
    function: 'recordingFileStatusUpdated'
    eventTypes: [ 'Microsoft.Communication.RecordingFileStatusUpdated' ]
    maxDeliveryAttempts: 30 // recordings stay downloadable for a while: keep retrying (Event Grid default)
    eventTimeToLiveInMinutes: 1440
  }
  {
    function: 'smsReceived'
    eventTypes: [
      'Microsoft.Communication.SMSReceived'
      'Microsoft.Communication.SMSDeliveryReportReceived'
    ]
    maxDeliveryAttempts: 30 // STOP must never be lost: opt-out is a legal obligation
    eventTimeToLiveInMinutes: 1440
  }
  {
    function: 'chatMessageReceived'
    eventTypes: [ 'Microsoft.Communication.ChatMessageReceivedInThread' ]
    maxDeliveryAttempts: 10 // a bot reply that arrives much later is worse than none
    eventTimeToLiveInMinutes: 60
  }
  {
    function: 'advancedMessageReceived'
    eventTypes: [
      'Microsoft.Communication.AdvancedMessageReceived'
      'Microsoft.Communication.AdvancedMessageDeliveryStatusUpdated'
    ]
    maxDeliveryAttempts: 30 // a WhatsApp STOP must never be lost; replies are claimed once per message
    eventTimeToLiveInMinutes: 1440
  }
]

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: systemTopicName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource eventSubscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = [for sub in filter(subscriptions, s => contains(functionNames, s.function)): {
  parent: topic
  name: sub.function
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/${sub.function}'
        maxEventsPerBatch: 1 // the v4 Node eventGrid trigger takes one event per invocation
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: sub.eventTypes
    }
    eventDeliverySchema: 'EventGridSchema' // handlers read EventGridEvent (eventType, data), not CloudEvents
    retryPolicy: {
      maxDeliveryAttempts: sub.maxDeliveryAttempts
      eventTimeToLiveInMinutes: sub.eventTimeToLiveInMinutes
    }
  }
}]
