import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { APP_INSIGHTS_TABLES } from './appInsightsTables';
import { at, compiledTemplate, expandLoop, moduleTemplates, type ArmResource, type ArmTemplate } from './armTemplate';
import { kqlStages, kqlTables } from './kql';

// Every alert fires exactly when its description says. A log search alert measures either the number of
// rows its query returns (timeAggregation Count) or a numeric column (metricMeasureColumn); a query that
// ends in a summarize without `by` always returns exactly one row, so counting its rows is a constant.
// Independent conditions are separate rules: a metric alert's criteria are ANDed.

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'infra', 'main.bicep'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no infra/main.bicep above ${start}`);
  }
}

const compiled = compiledTemplate(findRoot(__dirname));
const main: ArmTemplate = compiled.template ?? { resources: [], parameters: {}, outputs: {} };

/** Every resource of `type` across the modules, copy loops expanded into the rules they create. */
function rules(type: string): { module: string; rule: ArmResource }[] {
  return moduleTemplates(main).flatMap(([module, template]) =>
    template.resources
      .filter((r) => r.type === type)
      .flatMap((r) => expandLoop(template, r).map((rule) => ({ module, rule }))),
  );
}

const ruleName = (rule: ArmResource): string => String(rule.name);
/** The rule's own part of its name: the last literal in `[format('{0}{1}', prefix, 'name')]`. */
const shortName = (rule: ArmResource): string => /'([^']+)'\)\]$/.exec(ruleName(rule))?.[1] ?? ruleName(rule);
const conditions = (rule: ArmResource) => (at(rule, 'properties.criteria.allOf') ?? []) as Record<string, unknown>[];
const minutes = (iso: unknown): number => Number(/^PT(\d+)M$/.exec(String(iso))?.[1] ?? NaN);

/** Whether the number of rows the query returns can change: false for a final `summarize` without `by`. */
function rowCountVaries(query: string): boolean {
  const stages = kqlStages(query);
  const last = stages.findLastIndex((s) => /^summarize\b/.test(s));
  if (last < 0) return true;
  return /\bby\b/.test(stages[last]) || stages.slice(last + 1).some((s) => /^(where|filter)\b/.test(s));
}

/** Whether some stage of the query names `column` as an output (`column = ...`). */
const produces = (query: string, column: string): boolean => new RegExp(`\\b${column}\\s*=[^=]`).test(query);

// What each alert's description promises, and the query and criteria that keep the promise.
const EXPECTED: Record<
  string,
  { table: string; where: RegExp[]; aggregation: string; threshold: number; window: number; says: RegExp }
> = {
  'function-failures': {
    table: 'requests',
    where: [/success == false/],
    aggregation: 'Total', // of itemCount: each row stands for itemCount requests when sampling is on
    threshold: 5,
    window: 15,
    says: /more than 5 function invocations failed in 15 minutes/i,
  },
  'failed-orchestrations': {
    table: 'traces',
    where: [/prop__functionType.*Orchestrator/, /prop__state.*Failed/, /prop__isReplay/],
    aggregation: 'Total',
    threshold: 0,
    window: 15,
    says: /orchestration.*failed/i,
  },
  'answer-latency-mean': {
    table: 'customMetrics',
    where: [/call\.answer\.latency/],
    aggregation: 'Maximum',
    threshold: 1000,
    window: 15,
    says: /on average more than 1 second from IncomingCall to answered/i,
  },
};

describe('alerts, compiled to ARM JSON', { skip: compiled.skip }, () => {
  const queryRules = () => rules('Microsoft.Insights/scheduledQueryRules');
  const metricRules = () => rules('Microsoft.Insights/metricAlerts');

  it('deploys exactly the log search alerts whose behaviour this file pins down', () => {
    const names = queryRules().map(({ rule }) => shortName(rule));
    assert.deepEqual(names.sort(), Object.keys(EXPECTED).sort(), 'every log search alert needs an entry in EXPECTED');
  });

  it('never counts the rows of a query that always returns one row', () => {
    for (const { rule } of queryRules())
      for (const condition of conditions(rule)) {
        const query = String(condition.query);
        if (condition.timeAggregation === 'Count' && !condition.metricMeasureColumn)
          assert.ok(rowCountVaries(query), `${ruleName(rule)} counts the single row of: ${query}`);
      }
  });

  it('measures a column the query produces whenever it aggregates anything but rows', () => {
    for (const { rule } of queryRules())
      for (const condition of conditions(rule)) {
        if (condition.timeAggregation === 'Count') continue;
        const column = typeof condition.metricMeasureColumn === 'string' ? condition.metricMeasureColumn : '';
        assert.ok(column, `${ruleName(rule)} aggregates ${String(condition.timeAggregation)} of no column`);
        assert.ok(produces(String(condition.query), column), `${ruleName(rule)}: the query has no ${column}`);
        for (const dimension of (condition.dimensions ?? []) as { name: string }[])
          assert.ok(produces(String(condition.query), dimension.name), `dimension ${dimension.name} is not produced`);
      }
  });

  it('queries only Application Insights tables from the Application Insights scope', () => {
    for (const { rule } of queryRules()) {
      assert.deepEqual(at(rule, 'properties.scopes'), ["[parameters('applicationInsightsId')]"]);
      for (const condition of conditions(rule))
        for (const table of kqlTables(String(condition.query)))
          assert.ok(APP_INSIGHTS_TABLES.includes(table), `${ruleName(rule)} reads ${table}, not an App Insights table`);
    }
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`fires ${name} exactly when its description says`, () => {
      const rule = queryRules().find((found) => shortName(found.rule) === name)?.rule;
      assert.ok(rule, `no alert ${name}`);
      assert.match(String(at(rule, 'properties.description')), expected.says);
      assert.equal(minutes(at(rule, 'properties.windowSize')), expected.window);
      assert.ok(
        minutes(at(rule, 'properties.evaluationFrequency')) <= expected.window,
        'evaluated less often than its window',
      );
      const [condition, ...others] = conditions(rule);
      assert.equal(others.length, 0);
      const query = String(condition.query);
      assert.deepEqual(kqlTables(query), [expected.table]);
      for (const filter of expected.where) assert.match(query, filter);
      assert.equal(condition.timeAggregation, expected.aggregation);
      assert.equal(condition.operator, 'GreaterThan');
      assert.equal(condition.threshold, expected.threshold);
      assert.deepEqual(at(condition, 'failingPeriods'), { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 });
    });
  }

  it('alerts on Event Grid drops and dead letters separately, each on its own metric, for every topic', () => {
    const byMetric = new Map<string, ArmResource[]>();
    for (const { rule } of metricRules()) {
      const criteria = conditions(rule);
      assert.equal(criteria.length, 1, `${ruleName(rule)} ANDs ${criteria.length} conditions`);
      const [criterion] = criteria;
      assert.equal(criterion.timeAggregation, 'Total');
      assert.equal(criterion.operator, 'GreaterThan');
      assert.equal(criterion.threshold, 0);
      const metric = String(criterion.metricName);
      byMetric.set(metric, [...(byMetric.get(metric) ?? []), rule]);
    }
    assert.deepEqual([...byMetric.keys()].sort(), ['DeadLetteredCount', 'DroppedEventCount']);
    for (const rule of byMetric.get('DroppedEventCount') ?? []) {
      assert.match(String(at(rule, 'properties.description')), /dropped/i);
      assert.doesNotMatch(String(at(rule, 'properties.description')), /dead-letter/i);
    }
    for (const rule of byMetric.get('DeadLetteredCount') ?? []) {
      assert.match(String(at(rule, 'properties.description')), /dead-letter/i);
      assert.doesNotMatch(String(at(rule, 'properties.description')), /dropped/i);
    }
    for (const list of byMetric.values())
      for (const rule of list) {
        assert.equal(at(rule, 'copy.count'), "[length(parameters('eventGridTopicNames'))]", 'one rule per topic');
        assert.equal(
          (rule.properties.criteria as Record<string, unknown>)['odata.type'],
          'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
        );
      }
  });
});
