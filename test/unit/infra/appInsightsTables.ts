// Where each table a query may read lives (Azure Monitor Logs reference): a query placed in one scope
// cannot read the other scope's tables, and the portal shows an error instead of the tile or alert.

/** Tables of a (workspace-based) Application Insights resource, queried in its own scope. */
export const APP_INSIGHTS_TABLES = [
  'requests',
  'dependencies',
  'traces',
  'exceptions',
  'customEvents',
  'customMetrics',
  'pageViews',
  'browserTimings',
  'availabilityResults',
  'performanceCounters',
];

/** Log Analytics workspace tables the template sends data to (diagnostic settings, workspace-based App Insights). */
export const WORKSPACE_TABLES = [
  'AzureMetrics', // platform metrics of the Event Grid topics and ACS (AllMetrics)
  'AzureDiagnostics',
  'AegDeliveryFailureLogs', // Event Grid delivery failures (DeliveryFailures, resource-specific: logAnalyticsDestinationType Dedicated)
  'ContainerAppConsoleLogs', // the bridge's stdout/stderr (managed environment diagnostic setting)
  'ContainerAppSystemLogs',
  'ACSCallAutomationIncomingOperations',
  'ACSCallAutomationMediaSummary',
  'ACSCallSummary',
  'ACSCallDiagnostics',
  'ACSSMSIncomingOperations',
  'AppRequests',
  'AppDependencies',
  'AppTraces',
  'AppExceptions',
  'AppMetrics',
];
