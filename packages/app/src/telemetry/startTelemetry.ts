// OpenTelemetry to Application Insights with the Azure Monitor exporter, only when
// APPLICATIONINSIGHTS_CONNECTION_STRING is set (Azure), and loaded with import() so the exporter's
// modules never cost a cold start where telemetry is off. Authenticates with the app's managed
// identity: Application Insights has local auth disabled.
let started: Promise<boolean> | undefined;

export function startTelemetry(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  started ??= (async () => {
    const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
    if (!connectionString) return false;
    const [{ useAzureMonitor }, { DefaultAzureCredential }] = await Promise.all([
      import('@azure/monitor-opentelemetry'),
      import('@azure/identity'),
    ]);
    useAzureMonitor({
      azureMonitorExporterOptions: {
        connectionString,
        // Entra sign-in where Azure asks for it (APPLICATIONINSIGHTS_AUTHENTICATION_STRING); none for a local collector.
        credential: env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING
          ? new DefaultAzureCredential(env.AZURE_CLIENT_ID ? { managedIdentityClientId: env.AZURE_CLIENT_ID } : {})
          : undefined,
      },
    });
    return true;
  })();
  return started;
}
