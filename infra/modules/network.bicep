// Private networking (main.bicep vnetEnabled): a virtual network for the function app (Flex Consumption
// virtual network integration) and the media bridge (its Container Apps environment), private endpoints for
// the storage account (blob, queue, table: host state, Durable task hub, recordings, transcripts) and the AI
// account, and the private DNS zones that resolve their names to those endpoints inside the network.
param name string
param location string
param tags object = {}
param storageAccountName string
param aiServicesName string

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' existing = {
  name: aiServicesName
}

// Outbound to the internet (ACS, Voice Live's public regional services, Application Insights ingestion) keeps
// the subnet's default outbound access; put a NAT gateway on app and bridge for fixed egress addresses.
resource vnet 'Microsoft.Network/virtualNetworks@2024-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [ '10.0.0.0/16' ] }
    subnets: [
      {
        name: 'app' // one address per instance: /24 covers maximumInstanceCount up to about 250
        properties: {
          addressPrefix: '10.0.1.0/24'
          delegations: [ { name: 'flex', properties: { serviceName: 'Microsoft.App/environments' } } ]
          defaultOutboundAccess: true
        }
      }
      {
        name: 'bridge' // a workload-profiles Container Apps environment needs at least a /27
        properties: {
          addressPrefix: '10.0.2.0/24'
          delegations: [ { name: 'aca', properties: { serviceName: 'Microsoft.App/environments' } } ]
          defaultOutboundAccess: true
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: '10.0.3.0/27'
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

// Storage names resolve through one zone per service; one AIServices endpoint (group 'account') registers
// names in the last three.
var zones = [
  'privatelink.blob.${environment().suffixes.storage}'
  'privatelink.queue.${environment().suffixes.storage}'
  'privatelink.table.${environment().suffixes.storage}'
  'privatelink.cognitiveservices.azure.com'
  'privatelink.openai.azure.com'
  'privatelink.services.ai.azure.com'
]

resource dnsZones 'Microsoft.Network/privateDnsZones@2024-06-01' = [for zone in zones: {
  name: zone
  location: 'global'
  tags: tags
}]

resource links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [for (zone, i) in zones: {
  parent: dnsZones[i]
  name: '${name}-link'
  location: 'global'
  tags: tags
  properties: {
    virtualNetwork: { id: vnet.id }
    registrationEnabled: false
  }
}]

var endpoints = [
  { group: 'blob', zones: [ 0 ] }
  { group: 'queue', zones: [ 1 ] }
  { group: 'table', zones: [ 2 ] }
  { group: 'account', zones: [ 3, 4, 5 ] } // the AI account
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2024-07-01' = [for endpoint in endpoints: {
  name: 'pe-${endpoint.group}-${name}'
  location: location
  tags: tags
  properties: {
    subnet: { id: '${vnet.id}/subnets/private-endpoints' }
    privateLinkServiceConnections: [
      {
        name: endpoint.group
        properties: {
          privateLinkServiceId: endpoint.group == 'account' ? ai.id : storage.id
          groupIds: [ endpoint.group ]
        }
      }
    ]
  }
}]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-07-01' = [for (endpoint, i) in endpoints: {
  parent: privateEndpoints[i]
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [for zone in endpoint.zones: {
      name: replace(zones[zone], '.', '-')
      properties: { privateDnsZoneId: dnsZones[zone].id }
    }]
  }
}]

output appSubnetId string = '${vnet.id}/subnets/app'
output bridgeSubnetId string = '${vnet.id}/subnets/bridge'
