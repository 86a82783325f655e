// The Functions app on Flex Consumption (Linux, Node 22), running as its user-assigned identity.
// App settings are the docs/architecture.md contract: the same names as local.settings.sample.json and the sandbox.
param name string
param planName string
param location string
param tags object = {}
param serviceName string = 'api' // azd deploys the `api` service of azure.yaml to the resource with this tag

param identityId string
param identityClientId string
param storageAccountName string
param storageBlobEndpoint string
param deploymentContainerName string
param applicationInsightsConnectionString string

param acsEndpoint string
param acsImmutableResourceId string
param aiEndpoint string
param mediaBridgeUrl string = ''
@description('ACS user id of the chat bot (8:acs:...); empty until created')
param chatBotUserId string = ''
@description('ACS user id chats are escalated to; empty for none')
param chatAgentUserId string = ''

@description('Always-ready instances for incomingCall (a ringing caller waits on it).')
param incomingCallAlwaysReady int = 1
@description('Always-ready instances for the http group (API callers and ACS mid-call callbacks).')
param httpAlwaysReady int = 1
@description('Always-ready instances for the durable group (the call flows: a turn waits on them).')
param durableAlwaysReady int = 1
@minValue(1)
@maxValue(1000) // Flex Consumption's per-app ceiling
param maximumInstanceCount int = 100

@description('Entra tenant whose tokens may call the APIs.')
param apiAuthTenantId string
@description('Application (client) ID of the API app registration (audience of its v2.0 tokens).')
param apiAuthClientId string
@description('Its Application ID URI (audience of the v1.0 tokens clients request for it).')
param apiAuthAudience string
@description('E.164 prefixes outbound calls may go to, comma-separated; empty allows none.')
param outboundAllowedPrefixes string
param callsPerMinutePerCaller int = 10
param callsPerMinute int = 60
param campaignMaxContacts int = 500
param recordingsDeleteAfterDownload bool = true
@allowed([ 'local', 'azure-openai' ])
param messagingProvider string = 'local'
param openAiEndpoint string = ''
param openAiChatDeployment string = ''
param conversationTtlMinutes int = 60
param callConnectCheckSeconds int = 15
param callConnectTimeoutSeconds int = 60

param taskHubName string = 'switchboard'
@description('azureStorage: host.json\'s provider on the app\'s storage account; dts: the Durable Task Scheduler.')
@allowed([ 'azureStorage', 'dts' ])
param durableBackend string = 'azureStorage'
@description('The scheduler\'s endpoint when durableBackend is dts.')
param durableTaskSchedulerEndpoint string = ''
@description('Subnet (delegated to Microsoft.App/environments) for virtual network integration; empty for none.')
param appSubnetId string = ''

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux: Flex Consumption has no Windows workers
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true // ACS callbacks and Event Grid arrive over HTTPS only
    virtualNetworkSubnetId: empty(appSubnetId) ? null : appSubnetId // outbound through the VNet: storage and AI via private endpoints
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity' // the account has shared keys disabled: the platform pulls the package as our identity
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048 // audio conversion and Durable replay want more than the smallest size
        // Warm instances where someone waits: a ringing call, an API caller or an ACS callback, a call's
        // next turn. Each is billed at the always-ready baseline rate (README "Costs").
        alwaysReady: [
          {
            name: 'function:incomingCall'
            instanceCount: incomingCallAlwaysReady
          }
          {
            name: 'http'
            instanceCount: httpAlwaysReady
          }
          {
            name: 'durable'
            instanceCount: durableAlwaysReady
          }
        ]
      }
      runtime: {
        name: 'node'
        version: '22' // the newest Node Flex Consumption runs; package.json engines allows it
      }
    }
  }

  // FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION are deliberately absent: Flex Consumption
  // takes the runtime from functionAppConfig and rejects them as app settings.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // Host storage, Durable task hub and blob triggers, identity-based (the account has no usable keys).
      AzureWebJobsStorage__accountName: storageAccountName
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId // user-assigned: the host must be told which identity
      AZURE_CLIENT_ID: identityClientId // DefaultAzureCredential in shared/ picks this identity

      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD' // local auth is off on App Insights

      TASKHUB_NAME: taskHubName // host.json reads %TASKHUB_NAME%
      // The Durable backend. host.json (shared with the local host, which runs Azure Storage on Azurite) names
      // AzureStorage; this setting overrides that value in Azure. The azureManaged provider reads its connection
      // from DURABLE_TASK_SCHEDULER_CONNECTION_STRING by default: the user-assigned identity, no key.
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: durableBackend == 'dts' ? 'azureManaged' : 'AzureStorage'
      DURABLE_TASK_SCHEDULER_CONNECTION_STRING: durableBackend == 'dts' ? 'Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}' : ''
      ACS_ENDPOINT: acsEndpoint // managed identity: Azure never gets the ACS access key
      ACS_IMMUTABLE_RESOURCE_ID: acsImmutableResourceId
      ACS_CALLBACK_ISSUER: 'https://acscallautomation.communication.azure.com'
      ACS_CALLBACK_JWKS_URL: 'https://acscallautomation.communication.azure.com/calling/keys'
      CALLBACK_BASE_URL: 'https://${functionApp.properties.defaultHostName}' // the real host name: Flex may use a unique regional one, not <name>.azurewebsites.net
      COGNITIVE_SERVICES_ENDPOINT: aiEndpoint // handed to ACS for TTS/STT (ACS's own identity has Cognitive Services User)
      MEDIA_BRIDGE_URL: mediaBridgeUrl // empty until the bridge Container App exists; config treats empty as unset
      INSIGHTS_PROVIDER: 'azure'
      LANGUAGE_ENDPOINT: aiEndpoint // one multi-service account: Language and Speech share its custom-domain endpoint
      SPEECH_ENDPOINT: aiEndpoint
      FLOWS_PATH: 'flows'
      RECORDINGS_DELETE_AFTER_DOWNLOAD: string(recordingsDeleteAfterDownload) // true: the blob copy is the one kept, no second copy of personal audio in ACS
      CHAT_BOT_USER_ID: chatBotUserId // the bot's ACS identity: create it once with the Identity API, then set this parameter
      CHAT_AGENT_USER_ID: chatAgentUserId // the person or queue identity chats are handed to

      // Locked-down APIs: Entra ID tokens from this tenant for this app registration (issuers and keys derived).
      API_AUTH_TENANT_ID: apiAuthTenantId
      API_AUTH_CLIENT_ID: apiAuthClientId
      API_AUTH_AUDIENCE: apiAuthAudience
      OUTBOUND_ALLOWED_PREFIXES: outboundAllowedPrefixes
      CALLS_PER_MINUTE_PER_CALLER: string(callsPerMinutePerCaller)
      CALLS_PER_MINUTE: string(callsPerMinute)
      CAMPAIGN_MAX_CONTACTS: string(campaignMaxContacts)
      MESSAGING_PROVIDER: messagingProvider
      AZURE_OPENAI_ENDPOINT: openAiEndpoint
      AZURE_OPENAI_CHAT_DEPLOYMENT: openAiChatDeployment // empty: config treats it as unset
      MESSAGING_CONVERSATION_TTL_MINUTES: string(conversationTtlMinutes)
      CALL_CONNECT_CHECK_SECONDS: string(callConnectCheckSeconds)
      CALL_CONNECT_TIMEOUT_SECONDS: string(callConnectTimeoutSeconds)
    }
  }
}

output id string = functionApp.id
output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
output url string = 'https://${functionApp.properties.defaultHostName}'
