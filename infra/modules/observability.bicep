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

// Delivery into Log Analytics for the workbook: delivered, dropped and dead-lettered counts (AzureMetrics;
// DeliveryAttemptFailCount is not exportable) and each failed delivery (DeliveryFailures, into the
// resource-specific AegDeliveryFailureLogs table rather than AzureDiagnostics).
resource topicDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [for (name, i) in eventGridTopicNames: {
  name: 'eventgrid-to-log-analytics'
  scope: topics[i]
  properties: {
    workspaceId: logAnalyticsId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}]

// Event Grid gave up on an event (dropped: retries or time to live exhausted with no dead-letter) or
// parked it in the deadletter container. Two rules per topic: a metric alert ANDs its criteria, and the two
// happen independently (DroppedEventCount and DeadLetteredCount, Microsoft.EventGrid/systemTopics metrics).
resource droppedAlerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [for (name, i) in eventGridTopicNames: {
  name: '${alertPrefix}eventgrid-dropped-${name}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid dropped events it could not deliver to the app (calls, SMS, recordings or summaries lost) in the last 5 minutes.'
    severity: 1
    enabled: true
    scopes: [ topics[i].id ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        { name: 'dropped', criterionType: 'StaticThresholdCriterion', metricName: 'DroppedEventCount', operator: 'GreaterThan', threshold: 0, timeAggregation: 'Total' }
      ]
    }
    actions: [ { actionGroupId: actionGroup.id } ]
  }
}]

resource deadLetterAlerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [for (name, i) in eventGridTopicNames: {
  name: '${alertPrefix}eventgrid-deadlettered-${name}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid dead-lettered events it could not deliver to the app into the deadletter container in the last 5 minutes.'
    severity: 2
    enabled: true
    scopes: [ topics[i].id ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        { name: 'deadLettered', criterionType: 'StaticThresholdCriterion', metricName: 'DeadLetteredCount', operator: 'GreaterThan', threshold: 0, timeAggregation: 'Total' }
      ]
    }
    actions: [ { actionGroupId: actionGroup.id } ]
  }
}]

// Log search alerts over App Insights. Each measures raw rows (no summarize the rule would count as one
// row) or a column the query computes: `itemCount` so a sampled row counts for the requests it stands for.
var queryAlerts = [
  {
    name: 'function-failures'
    description: 'More than 5 function invocations failed in 15 minutes.'
    query: 'requests | where success == false | project timestamp, operation_Name, failed = itemCount'
    timeAggregation: 'Total'
    metricMeasureColumn: 'failed'
    threshold: 5
  }
  {
    // The Durable extension logs an orchestration's Failed state at Error (kept at any host.json level) with
    // prop__state and prop__functionType; its category is Host.Triggers.DurableTask in older extension versions
    // and the function's own category in newer ones, so the query does not filter on it.
    name: 'failed-orchestrations'
    description: 'A call flow or campaign orchestration failed (Durable Functions state Failed) in the last 15 minutes.'
    query: 'traces | where tostring(customDimensions.prop__functionType) == "Orchestrator" and tostring(customDimensions.prop__state) == "Failed" and tobool(tolower(tostring(customDimensions.prop__isReplay))) != true | project timestamp, orchestration = tostring(customDimensions.prop__functionName), failed = itemCount'
    timeAggregation: 'Total'
    metricMeasureColumn: 'failed'
    threshold: 0
  }
  {
    // call.answer.latency is an OpenTelemetry histogram: each row holds a count and a sum, so the mean is exact
    // and a percentile cannot be computed from it.
    name: 'answer-latency-mean'
    description: 'Calls waited on average more than 1 second from IncomingCall to answered over 15 minutes.'
    query: 'customMetrics | where name == "call.answer.latency" | summarize answered = sum(valueCount), waitedMs = sum(valueSum) | where answered > 0 | project meanAnswerMs = waitedMs / answered'
    timeAggregation: 'Maximum'
    metricMeasureColumn: 'meanAnswerMs'
    threshold: 1000
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
          timeAggregation: alert.timeAggregation
          metricMeasureColumn: alert.metricMeasureColumn
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
    // Event Grid tiles query the workspace (their tables are not in App Insights): workbook.json names it by a placeholder.
    serializedData: replace(loadTextContent('workbook.json'), '__LOG_ANALYTICS_WORKSPACE_ID__', logAnalyticsId)
  }
}

output actionGroupId string = actionGroup.id
output workbookId string = workbook.id
