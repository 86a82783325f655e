// One Azure AI services multi-service account (kind AIServices): ACS Call Automation uses it for
// TTS/STT (through ACS's own identity), the app uses it for Language and Speech (through its identity).
// ACS only connects to multi-service accounts, hence AIServices rather than separate Speech/Language.
param name string
param location string
param tags object = {}

resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'AIServices'
  sku: { name: 'S0' }
  properties: {
    customSubDomainName: name // Entra tokens only work against the custom-domain endpoint, not the regional one
    disableLocalAuth: true // no keys: ACS and the app both authenticate with managed identity
    publicNetworkAccess: 'Enabled' // ACS reaches it from Microsoft's network; no private endpoint path exists for that
  }
}

output id string = ai.id
output name string = ai.name
output endpoint string = ai.properties.endpoint // https://<name>.cognitiveservices.azure.com/
