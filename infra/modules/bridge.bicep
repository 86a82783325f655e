// The media bridge (bridge/) on Container Apps: ACS streams call audio to it over WebSockets, it talks to
// Azure AI Voice Live with its OWN user-assigned identity (Cognitive Services User on the AI resource,
// Blob Data Contributor for live transcripts, AcrPull for its image). Always one replica warm (a caller
// must never wait for a cold start), scaled on concurrent connections (each call holds one WebSocket).
param name string
param environmentName string
param registryName string
param identityName string
param location string
param tags object = {}
param serviceName string = 'bridge' // azd deploys the `bridge` service of azure.yaml to the resource with this tag

@description('Log Analytics workspace the environment\'s console and system logs go to.')
param logAnalyticsId string
param aiServicesName string
param aiEndpoint string
param storageAccountName string
param acsImmutableResourceId string
@description('The function app\'s https base URL (its voice-agent route)')
param appBaseUrl string
param voiceLiveModel string = 'gpt-realtime'
param voiceLiveVoice string = 'en-US-AvaMultilingualNeural'
@description('Whether azd already deployed the bridge (SERVICE_BRIDGE_RESOURCE_EXISTS): a provision then keeps its image.')
param exists bool = false
@description('Subnet for the environment (private networking); empty for none. Only at creation: the environment must be recreated to change it.')
param subnetId string = ''
param maxReplicas int = 20
param connectionsPerReplica int = 200

var roles = {
  cognitiveServicesUser: 'a97b65f3-24c7-4388-baec-2e87135dc908'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
}

// Before the first `azd deploy` there is no bridge image yet: a placeholder (which listens on 80, and has no
// /healthz) holds the place until azd deploys the real one; every later provision keeps the deployed image.
var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'

module deployed 'fetch-container-image.bicep' = {
  name: 'bridge-deployed-image'
  params: {
    exists: exists
    name: name
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: tags
}

resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: aiServicesName
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
  name: registryName
  location: location
  tags: tags
  sku: { name: 'Basic' }
  properties: {
    adminUserEnabled: false // pulls use the bridge's identity, pushes azd's signed-in user
  }
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor' // logs through diagnostic settings: no workspace key in the template
    }
    // In the virtual network: a workload-profiles environment (Consumption profile), which takes a /27 subnet.
    vnetConfiguration: empty(subnetId) ? null : { infrastructureSubnetId: subnetId, internal: false }
    workloadProfiles: empty(subnetId) ? null : [ { name: 'Consumption', workloadProfileType: 'Consumption' } ]
  }
}

// The bridge's stdout/stderr and the platform's events (revisions, probes, scaling) into the workspace:
// appLogsConfiguration 'azure-monitor' sends them only where a diagnostic setting says.
resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'environment-to-log-analytics'
  scope: environment
  properties: {
    workspaceId: logAnalyticsId
    logs: [
      { category: 'ContainerAppConsoleLogs', enabled: true }
      { category: 'ContainerAppSystemLogs', enabled: true }
    ]
  }
}

resource aiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ai.id, identity.id, roles.cognitiveServicesUser)
  scope: ai
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.cognitiveServicesUser)
  }
}

resource blobWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageBlobDataContributor)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, roles.acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
  }
}

resource bridge 'Microsoft.App/containerApps@2025-01-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [pull]
  properties: {
    managedEnvironmentId: environment.id
    workloadProfileName: empty(subnetId) ? null : 'Consumption'
    configuration: {
      ingress: {
        external: true // ACS connects from the internet; every connection carries ACS's RS256 JWT
        targetPort: 8080
        transport: 'http' // WebSocket upgrades ride HTTP/1.1
        allowInsecure: false // wss:// only
      }
      registries: [{ server: registry.properties.loginServer, identity: identity.id }]
    }
    template: {
      containers: [
        {
          name: 'bridge'
          image: !empty(deployed.outputs.containers) ? deployed.outputs.containers[0].image : placeholderImage
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: [
            { name: 'PORT', value: '8080' }
            { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId } // DefaultAzureCredential: use this identity
            { name: 'ACS_IMMUTABLE_RESOURCE_ID', value: acsImmutableResourceId } // audience of ACS media tokens
            { name: 'APP_BASE_URL', value: appBaseUrl }
            { name: 'VOICE_AGENT_PROVIDER', value: 'voicelive' }
            { name: 'VOICELIVE_ENDPOINT', value: aiEndpoint }
            { name: 'VOICELIVE_MODEL', value: voiceLiveModel }
            { name: 'VOICELIVE_VOICE', value: voiceLiveVoice }
            { name: 'AzureWebJobsStorage__accountName', value: storageAccountName } // live transcripts, managed identity
          ]
          probes: empty(deployed.outputs.containers) ? [] : [
            { type: 'Liveness', httpGet: { path: '/healthz', port: 8080 } }
            { type: 'Readiness', httpGet: { path: '/healthz', port: 8080 } }
          ]
        }
      ]
      scale: {
        minReplicas: 1 // always one warm: the first caller must not wait for a cold start
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'concurrent-connections' // an open WebSocket is a concurrent request for the HTTP scaler
            http: { metadata: { concurrentRequests: string(connectionsPerReplica) } }
          }
        ]
      }
    }
  }
}

output name string = bridge.name
output url string = 'wss://${bridge.properties.configuration.ingress.fqdn}/media'
output registryEndpoint string = registry.properties.loginServer
output identityClientId string = identity.properties.clientId
