// Watching the app from the portal: ACS logs into Log Analytics, a workbook of the product's own
// metrics (OpenTelemetry custom metrics in App Insights), and alerts to an email address.
param location string
param tags object = {}
param communicationServiceName string
param logAnalyticsId string
param applicationInsightsId string
@description('Names of the Event Grid system topics (ACS, storage).')
param eventGridTopicNames array
param actionGroupName string
param workbookName string
param alertPrefix string
@description('Who is emailed when an alert fires; empty creates the action group without a receiver.')
param alertEmail string = ''

resource acs 'Microsoft.Communication/communicationServices@2025-05-01' existing = {
  name: communicationServiceName
}

// Call Automation operations, call summaries, SMS, media streaming and the rest of ACS's logs.
resource acsDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'acs-to-log-analytics'
  scope: acs
  properties: {
    workspaceId: logAnalyticsId
    logs: [
      { categoryGroup: 'allLogs', enabled: true } // CallAutomationOperational, CallSummary, SMSOperational, CallAutomationStreamingUsage, ...
    ]
    metrics: [
      { category: 'AllMetrics', enabled: true }
    ]
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'switchboard'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      { name: 'operator', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
  }
}

resource topics 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = [for name in eventGridTopicNames: {
  name: name
}]

// Delivery metrics into Log Analytics for the workbook (failures, drops, dead letters per subscription).
resource topicDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [for (name, i) in eventGridTopicNames: {
  name: 'eventgrid-to-log-analytics'
  scope: topics[i]
  properties: {
    workspaceId: logAnalyticsId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}]

// Event Grid gave up on an event (dropped) or parked it in the deadletter container.
resource eventGridAlerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [for (name, i) in eventGridTopicNames: {
  name: '${alertPrefix}eventgrid-undelivered-${name}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid dropped or dead-lettered events: calls, SMS, recordings or summaries were not delivered to the app.'
    severity: 1
    enabled: true
    scopes: [ topics[i].id ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria'
      allOf: [
        { name: 'dropped', criterionType: 'StaticThresholdCriterion', metricName: 'DroppedEventCount', operator: 'GreaterThan', threshold: 0, timeAggregation: 'Total' }
        { name: 'deadLettered', criterionType: 'StaticThresholdCriterion', metricName: 'DeadLetteredCount', operator: 'GreaterThan', threshold: 0, timeAggregation: 'Total' }
      ]
    }
    actions: [ { actionGroupId: actionGroup.id } ]
  }
}]

// Queries over App Insights: failing functions, failed orchestrations, slow answers.
var queryAlerts = [
  {
    name: 'function-failures'
    description: 'Function invocations are failing.'
    query: 'requests | where success == false | summarize failures = count()'
    threshold: 5
  }
  {
    name: 'failed-orchestrations'
    description: 'Call flows or campaigns ended in failure.'
    query: 'customMetrics | where name == "calls.outcome" and tostring(customDimensions.outcome) == "failed" | summarize failures = sum(valueCount)'
    threshold: 0
  }
  {
    name: 'answer-latency-p95'
    description: 'The 95th percentile from IncomingCall to answered is over 1 second.'
    query: 'customMetrics | where name == "call.answer.latency" | summarize p95 = percentile(valueMax, 95) | where p95 > 1000'
    threshold: 0
  }
]

resource scheduledAlerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for alert in queryAlerts: {
  name: '${alertPrefix}${alert.name}'
  location: location
  tags: tags
  properties: {
    description: alert.description
    severity: 2
    enabled: true
    scopes: [ applicationInsightsId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: alert.threshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [ actionGroup.id ] }
  }
}]

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, workbookName)
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Switchboard calls'
    category: 'workbook'
    sourceId: applicationInsightsId
    serializedData: loadTextContent('workbook.json')
  }
}

output actionGroupId string = actionGroup.id
output workbookId string = workbook.id
