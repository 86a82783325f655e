// Phase two of `azd up` (main.bicep deployEventSubscriptions): subscriptions that point at deployed code.
// ACS events go to the Event Grid functions with the AzureFunction endpoint type (by resource id: no key,
// no URL). BlobCreated goes to each blob trigger's blob extension webhook, filtered by container, which
// is how Flex Consumption runs blob triggers (source: 'EventGrid'). Every subscription dead-letters into
// the `deadletter` container with its topic's managed identity.
param acsTopicName string
param storageTopicName string
param functionAppName string
param storageAccountName string

@description('Which ACS subscriptions below to create (names of deployed Event Grid functions).')
param functionNames array

// Function names, event types and containers are contracts with functions/*.ts.
var acsSubscriptions = [
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

// Blob trigger -> the container it watches (functions/<name>.ts path).
var blobSubscriptions = [
  { function: 'transcribeRecording', container: 'recordings' }
  { function: 'summarizeTranscript', container: 'transcripts' }
  { function: 'summarizeChatExport', container: 'chat-exports' }
]

resource acsTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: acsTopicName
}

resource storageTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: storageTopicName
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

var deadLetter = {
  identity: { type: 'SystemAssigned' }
  deadLetterDestination: {
    endpointType: 'StorageBlob'
    properties: {
      resourceId: storage.id
      blobContainerName: 'deadletter'
    }
  }
}

resource acsEventSubscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = [for sub in filter(acsSubscriptions, s => contains(functionNames, s.function)): {
  parent: acsTopic
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
    deadLetterWithResourceIdentity: deadLetter
  }
}]

resource blobEventSubscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = [for sub in blobSubscriptions: {
  parent: storageTopic
  name: sub.function
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        // The Functions host admits Event Grid to the blob extension only with its system key. It is read
        // here at deployment into the subscription (Event Grid never returns endpoint URLs), never into
        // settings, outputs or files; it exists only once the code is deployed, hence phase two.
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${sub.function}&code=${listKeys('${functionApp.id}/host/default', '2025-03-01').systemKeys.blobs_extension}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
      subjectBeginsWith: '/blobServices/default/containers/${sub.container}/blobs/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30 // a recording or transcript must not be lost: retry for a day, then dead-letter
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: deadLetter
  }
}]
