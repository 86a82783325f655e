// Switchboard on Azure: `azd up` provisions everything here, then deploys the Functions app (service `api`).
// Identity everywhere: no access keys, no secrets in settings, nothing in here reads a key.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds every resource name.')
param environmentName string

// Regions with everything the template uses (docs' tables, checked when written; recheck before adding one):
// Voice Live with gpt-realtime and fast transcription (learn.microsoft.com/azure/ai-services/speech-service/regions),
// conversation summarization (learn.microsoft.com/azure/ai-services/language-service/summarization/region-support),
// Flex Consumption (`az functionapp list-flexconsumption-locations`). ACS connects to Azure AI wherever Speech
// runs, and each region lies in a geography ACS keeps data in (communication-services/concepts/privacy).
@minLength(1)
@description('Region for everything regional: one with Voice Live (gpt-realtime), fast transcription, conversation summarization and Flex Consumption (docs/deploy.md "Regions").')
@allowed([
  'australiaeast'
  'eastus2'
  'francecentral'
  'southeastasia'
  'swedencentral'
  'uksouth'
])
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the developer running azd (AZURE_PRINCIPAL_ID); gets the same data roles as the app so it can run locally against these resources. Empty in CI.')
param principalId string = ''

@description('Phase two of `azd up`: create the Event Grid subscriptions. They target functions by resource id, which only exist after the code is deployed (see azure.yaml postdeploy hook).')
param deployEventSubscriptions bool = false

@description('Comma-separated Event Grid functions to subscribe (EVENT_GRID_FUNCTIONS). The postdeploy hook sets it to the ones functions/ registers: a subscription to a function that is not deployed fails the deployment.')
param eventGridFunctions string = 'incomingCall,recordingFileStatusUpdated,smsReceived,chatMessageReceived,advancedMessageReceived'

@description('Always-ready instances for incomingCall: a ringing call waits ~30 s, a cold start should not eat it.')
@minValue(0)
param incomingCallAlwaysReady int = 1

@description('Always-ready instances for the http group: API callers and ACS mid-call callbacks.')
@minValue(0)
param httpAlwaysReady int = 1

@description('Always-ready instances for the durable group: the call flows a caller waits on.')
@minValue(0)
param durableAlwaysReady int = 1

@description('Durable Functions backend: the storage account\'s queues and tables, or a Durable Task Scheduler (docs/deploy.md "Durable backend").')
@allowed([ 'azureStorage', 'dts' ])
param durableBackend string = 'azureStorage'

@description('Private networking: the app and the bridge in a virtual network, storage and AI through private endpoints (docs/deploy.md "Private networking").')
param vnetEnabled bool = false

@description('Flex Consumption scale-out ceiling (Flex allows 1 to 1000).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Application (client) ID of the API app registration whose tokens (with the Calls.Place / Calls.Read / Messages.Send app roles) the APIs accept (API_AUTH_CLIENT_ID; docs/deploy.md).')
@minLength(36)
@maxLength(36)
param apiAuthClientId string

@description('Its Application ID URI (API_AUTH_AUDIENCE); empty means the default api://{client id}.')
param apiAuthAudience string = ''

@description('Entra tenant whose tokens may call the APIs; the deploying tenant unless the app registration lives elsewhere.')
param apiAuthTenantId string = tenant().tenantId

@description('E.164 prefixes outbound calls may go to, comma-separated (e.g. +1,+44); empty allows none.')
param outboundAllowedPrefixes string = '+1'

@description('Email address that alerts go to; empty for none.')
param alertEmail string = ''

@description('Set by azd before each provision (SERVICE_BRIDGE_RESOURCE_EXISTS): the bridge container app exists, so keep its deployed image.')
param bridgeExists bool = false

@description('WebSocket URL of the media bridge (bridge/, a Container App provisioned later); empty until then.')
param mediaBridgeUrl string = ''
@description('ACS user id of the chat bot (8:acs:...), created once with the Identity API; empty disables the bot')
param chatBotUserId string = ''
@description('ACS user id chats are escalated to')
param chatAgentUserId string = ''

@description('API rate caps: calls a minute per caller, and in all; contacts a campaign may hold.')
@minValue(1)
param callsPerMinutePerCaller int = 10
@minValue(1)
param callsPerMinute int = 60
@minValue(1)
@maxValue(10000)
param campaignMaxContacts int = 500

@description('Delete a recording from ACS once its copy is in blob storage (no second copy of personal audio).')
param recordingsDeleteAfterDownload bool = true

@description('Model behind the SMS, WhatsApp and chat agents: local rules, or an Azure OpenAI chat deployment.')
@allowed([ 'local', 'azure-openai' ])
param messagingProvider string = 'local'
@description('Azure OpenAI endpoint for messagingProvider azure-openai; empty: the template\'s AI account.')
param openAiEndpoint string = ''
@description('Azure OpenAI chat deployment for messagingProvider azure-openai (create it in the AI account).')
param openAiChatDeployment string = ''
@description('Minutes an idle message conversation is remembered.')
@minValue(1)
@maxValue(10080)
param conversationTtlMinutes int = 60

@description('Seconds after which a call with no CallConnected is checked with ACS, and after which it is given up.')
@minValue(1)
@maxValue(300)
param callConnectCheckSeconds int = 15
@minValue(1)
@maxValue(600)
param callConnectTimeoutSeconds int = 60

@description('Voice Live model and voice of the media bridge (the model decides the regions: docs/deploy.md).')
param voiceLiveModel string = 'gpt-realtime'
param voiceLiveVoice string = 'en-US-AvaMultilingualNeural'

@description('Geography ACS keeps its data in (fixed once created): one of those learn.microsoft.com/azure/communication-services/concepts/privacy lists.')
param acsDataLocation string = 'United States'

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var deploymentContainerName = 'app-package-${resourceToken}' // Flex Consumption pulls the zip azd uploads here
var taskHubName = 'switchboard' // TASKHUB_NAME (host.json reads %TASKHUB_NAME%), and the scheduler's task hub

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}func-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    vnetEnabled: vnetEnabled
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module ai 'modules/ai-services.bicep' = {
  name: 'ai-services'
  scope: rg
  params: {
    name: '${abbrs.cognitiveServicesAccounts}${resourceToken}'
    location: location
    tags: tags
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: rg
  params: {
    name: '${abbrs.networkVirtualNetworks}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    aiServicesName: ai.outputs.name
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    name: '${abbrs.communicationServices}${resourceToken}'
    tags: tags
    dataLocation: acsDataLocation
    aiServicesName: ai.outputs.name
  }
}

module eventGrid 'modules/event-grid.bicep' = {
  name: 'event-grid'
  scope: rg
  params: {
    name: '${abbrs.eventGridSystemTopics}acs-${resourceToken}'
    tags: tags
    sourceId: communication.outputs.id
    topicType: 'Microsoft.Communication.CommunicationServices'
  }
}

// BlobCreated from the app's storage account: Flex Consumption runs blob triggers only through Event Grid.
module storageEvents 'modules/event-grid.bicep' = {
  name: 'event-grid-storage'
  scope: rg
  params: {
    name: '${abbrs.eventGridSystemTopics}st-${resourceToken}'
    location: location
    tags: tags
    sourceId: storage.outputs.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

module deadLetterRoles 'modules/dead-letter-roles.bicep' = {
  name: 'dead-letter-roles'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    topicPrincipalIds: [ eventGrid.outputs.principalId, storageEvents.outputs.principalId ]
  }
}

module observability 'modules/observability.bicep' = {
  name: 'observability'
  scope: rg
  params: {
    location: location
    tags: tags
    communicationServiceName: communication.outputs.name
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    eventGridTopicNames: [ eventGrid.outputs.name, storageEvents.outputs.name ]
    actionGroupName: '${abbrs.insightsActionGroups}${resourceToken}'
    workbookName: '${abbrs.insightsWorkbooks}${resourceToken}'
    alertPrefix: '${abbrs.insightsAlertRules}${resourceToken}-'
    alertEmail: alertEmail
  }
}

// The media bridge: its app URL is derived from the function app's name (not its output) to avoid a cycle.
module bridge 'modules/bridge.bicep' = {
  name: 'bridge'
  scope: rg
  params: {
    name: '${abbrs.appContainerApps}bridge-${resourceToken}'
    environmentName: '${abbrs.appManagedEnvironments}${resourceToken}'
    registryName: '${abbrs.containerRegistryRegistries}${resourceToken}'
    identityName: '${abbrs.managedIdentityUserAssignedIdentities}bridge-${resourceToken}'
    exists: bridgeExists
    subnetId: vnetEnabled ? network!.outputs.bridgeSubnetId : ''
    location: location
    tags: tags
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    aiServicesName: ai.outputs.name
    aiEndpoint: ai.outputs.endpoint
    storageAccountName: storage.outputs.name
    acsImmutableResourceId: communication.outputs.immutableResourceId
    appBaseUrl: 'https://${abbrs.webSitesFunctions}${resourceToken}.azurewebsites.net'
    voiceLiveModel: voiceLiveModel
    voiceLiveVoice: voiceLiveVoice
  }
}

module durableTaskScheduler 'modules/durable-task-scheduler.bicep' = if (durableBackend == 'dts') {
  name: 'durable-task-scheduler'
  scope: rg
  params: {
    name: 'dts-${resourceToken}'
    location: location
    tags: tags
    taskHubName: taskHubName
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: '${abbrs.webSitesFunctions}${resourceToken}'
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    acsEndpoint: communication.outputs.endpoint
    acsImmutableResourceId: communication.outputs.immutableResourceId
    aiEndpoint: ai.outputs.endpoint
    mediaBridgeUrl: !empty(mediaBridgeUrl) ? mediaBridgeUrl : bridge.outputs.url
    chatBotUserId: chatBotUserId
    chatAgentUserId: chatAgentUserId
    incomingCallAlwaysReady: incomingCallAlwaysReady
    httpAlwaysReady: httpAlwaysReady
    durableAlwaysReady: durableAlwaysReady
    maximumInstanceCount: maximumInstanceCount
    apiAuthTenantId: apiAuthTenantId
    apiAuthClientId: apiAuthClientId
    apiAuthAudience: !empty(apiAuthAudience) ? apiAuthAudience : 'api://${apiAuthClientId}'
    outboundAllowedPrefixes: outboundAllowedPrefixes
    callsPerMinutePerCaller: callsPerMinutePerCaller
    callsPerMinute: callsPerMinute
    campaignMaxContacts: campaignMaxContacts
    recordingsDeleteAfterDownload: recordingsDeleteAfterDownload
    messagingProvider: messagingProvider
    openAiEndpoint: !empty(openAiEndpoint) ? openAiEndpoint : ai.outputs.endpoint
    openAiChatDeployment: openAiChatDeployment
    conversationTtlMinutes: conversationTtlMinutes
    callConnectCheckSeconds: callConnectCheckSeconds
    callConnectTimeoutSeconds: callConnectTimeoutSeconds
    taskHubName: taskHubName
    durableBackend: durableBackend
    durableTaskSchedulerEndpoint: durableBackend == 'dts' ? durableTaskScheduler!.outputs.endpoint : ''
    appSubnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
  }
}

// The function app's identity: everything it touches, data plane only.
module appRoles 'modules/role-assignments.bicep' = {
  name: 'role-assignments-app'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal' // skips the Entra lookup that races a brand-new identity
    storageAccountName: storage.outputs.name
    aiServicesName: ai.outputs.name
    communicationServiceName: communication.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

// The developer: same data roles, so `npm run host` with DefaultAzureCredential (az login) reaches the real resources.
module developerRoles 'modules/role-assignments.bicep' = if (!empty(principalId)) {
  name: 'role-assignments-developer'
  scope: rg
  params: {
    principalId: principalId
    principalType: '' // a user locally, a service principal in CI: let Azure resolve it
    storageAccountName: storage.outputs.name
    aiServicesName: ai.outputs.name
    communicationServiceName: communication.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

// Phase two only: an AzureFunction destination is validated against the deployed function at deployment time.
module eventSubscriptions 'modules/event-subscriptions.bicep' = if (deployEventSubscriptions) {
  name: 'event-subscriptions'
  scope: rg
  params: {
    acsTopicName: eventGrid.outputs.name
    storageTopicName: storageEvents.outputs.name
    functionAppName: functionApp.outputs.name
    storageAccountName: storage.outputs.name
    functionNames: split(replace(eventGridFunctions, ' ', ''), ',')
  }
}

// UPPER_SNAKE outputs land in the azd environment (.azure/<env>/.env) for hooks, scripts and local runs.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_URL string = functionApp.outputs.url
output AZURE_USER_ASSIGNED_IDENTITY_NAME string = identity.outputs.name
output ACS_RESOURCE_NAME string = communication.outputs.name
output ACS_ENDPOINT string = communication.outputs.endpoint
output ACS_IMMUTABLE_RESOURCE_ID string = communication.outputs.immutableResourceId
output AI_ENDPOINT string = ai.outputs.endpoint
output AI_SERVICES_NAME string = ai.outputs.name
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString // an identifier, not a secret: ingestion needs an Entra token (local auth off)
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output EVENT_GRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.name
output EVENT_GRID_STORAGE_TOPIC_NAME string = storageEvents.outputs.name
output API_AUTH_AUDIENCE string = !empty(apiAuthAudience) ? apiAuthAudience : 'api://${apiAuthClientId}'
output API_AUTH_TENANT_ID string = apiAuthTenantId
output MEDIA_BRIDGE_URL string = bridge.outputs.url
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = bridge.outputs.registryEndpoint // azd pushes the bridge image here
