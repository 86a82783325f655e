import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { APP_INSIGHTS_TABLES, WORKSPACE_TABLES } from './appInsightsTables';
import { at, compiledTemplate, moduleTemplate, type ArmTemplate } from './armTemplate';
import { kqlTables } from './kql';

// The "Switchboard calls" workbook is deployed with Application Insights as its source: a tile queries
// that resource unless it names other resources (crossComponentResources). Every tile must read only
// tables that exist where it runs, and only data that reaches them; and the Container Apps environment
// (the media bridge) must send its logs to the workspace.

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'infra', 'main.bicep'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no infra/main.bicep above ${start}`);
  }
}

const root = findRoot(__dirname);
const compiled = compiledTemplate(root);
const main: ArmTemplate = compiled.template ?? { resources: [], parameters: {}, outputs: {} };
const WORKSPACE_ID = '__LOG_ANALYTICS_WORKSPACE_ID__'; // replaced with the workspace's resource id at deployment

interface Tile {
  title: string;
  query: string;
  resourceType?: string;
  crossComponentResources?: string[];
}

function tiles(): Tile[] {
  const workbook = JSON.parse(readFileSync(join(root, 'infra', 'modules', 'workbook.json'), 'utf8')) as {
    items: { type: number; content: Tile }[];
  };
  return workbook.items.filter((item) => item.type === 3).map((item) => item.content);
}

// Event Grid metrics that diagnostic settings do not export (Azure Monitor supported metrics,
// Microsoft.EventGrid/systemTopics, "DS Export: No"): AzureMetrics never holds them.
const NOT_EXPORTED = ['DeliveryAttemptFailCount', 'DestinationProcessingDurationInMs'];

describe('the workbook and the logs it reads', { skip: compiled.skip }, () => {
  it('runs every Application Insights tile on Application Insights tables only', () => {
    for (const tile of tiles().filter((t) => !t.crossComponentResources)) {
      assert.equal(tile.resourceType, 'microsoft.insights/components', tile.title);
      for (const table of kqlTables(tile.query))
        assert.ok(APP_INSIGHTS_TABLES.includes(table), `"${tile.title}" reads ${table} from Application Insights`);
    }
  });

  it('runs every workspace tile in the Log Analytics workspace, on tables the template fills', () => {
    const inWorkspace = tiles().filter((t) => t.crossComponentResources);
    assert.ok(inWorkspace.length > 0, 'no tile reads the workspace (Event Grid delivery)');
    for (const tile of inWorkspace) {
      assert.deepEqual(tile.crossComponentResources, [WORKSPACE_ID], tile.title);
      assert.equal(tile.resourceType, 'microsoft.operationalinsights/workspaces', tile.title);
      for (const table of kqlTables(tile.query))
        assert.ok(WORKSPACE_TABLES.includes(table), `"${tile.title}" reads ${table}, which nothing here fills`);
      for (const metric of NOT_EXPORTED)
        assert.ok(!tile.query.includes(metric), `"${tile.title}" reads ${metric}, which never reaches AzureMetrics`);
    }
  });

  it('deploys the workbook with the workspace id in place of its placeholder', () => {
    const workbook = moduleTemplate(main, 'observability').resources.find(
      (r) => r.type === 'Microsoft.Insights/workbooks',
    );
    assert.match(
      String(at(workbook, 'properties.serializedData')),
      new RegExp(`^\\[replace\\(variables\\('[^']+'\\), '${WORKSPACE_ID}', parameters\\('logAnalyticsId'\\)\\)\\]$`),
    );
  });

  it('counts calls by the counter value and never takes percentiles of pre-aggregated metric rows', () => {
    for (const tile of tiles()) {
      if (/calls\.outcome/.test(tile.query)) assert.match(tile.query, /sum\(valueSum\)/, tile.title);
      assert.doesNotMatch(tile.query, /percentile\w*\(value(Max|Min|Sum)/, tile.title);
    }
  });

  it('reads delivery failures from the resource-specific table the Event Grid diagnostic setting fills', () => {
    const setting = moduleTemplate(main, 'observability').resources.find(
      (r) => r.type === 'Microsoft.Insights/diagnosticSettings' && String(r.name).startsWith('eventgrid'),
    );
    assert.equal(at(setting, 'properties.logAnalyticsDestinationType'), 'Dedicated');
    assert.ok(tiles().some((t) => kqlTables(t.query).includes('AegDeliveryFailureLogs')));
  });

  it("sends the media bridge's Container Apps environment logs to the Log Analytics workspace", () => {
    const bridge = moduleTemplate(main, 'bridge');
    const environment = bridge.resources.find((r) => r.type === 'Microsoft.App/managedEnvironments');
    assert.equal(at(environment, 'properties.appLogsConfiguration.destination'), 'azure-monitor');
    const setting = bridge.resources.find((r) => r.type === 'Microsoft.Insights/diagnosticSettings');
    assert.ok(setting, 'no diagnostic setting on the managed environment: its logs go nowhere');
    assert.match(String(setting.scope), /Microsoft\.App\/managedEnvironments/);
    assert.equal(at(setting, 'properties.workspaceId'), "[parameters('logAnalyticsId')]");
    const categories = ((at(setting, 'properties.logs') ?? []) as { category?: string; enabled: boolean }[])
      .filter((l) => l.enabled)
      .map((l) => l.category);
    for (const category of ['ContainerAppConsoleLogs', 'ContainerAppSystemLogs'])
      assert.ok(categories.includes(category), `${category} is not sent`);
    const passed = main.resources.find((r) => r.name === 'bridge');
    assert.match(
      String(at(passed, 'properties.parameters.logAnalyticsId.value')),
      /'monitoring'.*outputs\.logAnalyticsId\.value/,
    );
  });
});
