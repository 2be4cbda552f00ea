/**
 * The gateway summary of recorded terraform plans of the fixture API's dev stack (`test/fixtures/recorded-plans/`, written by
 * `scripts/record-plan-fixtures.ts`): what a reviewer reads about routes, CORS preflights, API keys and resources
 * whose names AWS completes at apply. No tool runs here; `plan-summary.test.ts` makes live plans.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeList } from './fixtures/example-api/routes';
import { summarizePlan } from '../src/plan/analyze';
import type { PlanJson } from '../src/plan/plan-json';
import { renderSummary } from '../src/plan/summary';

const plan = (name: string): PlanJson => JSON.parse(readFileSync(join(__dirname, 'fixtures', 'recorded-plans', name), 'utf8')) as PlanJson;

describe('summary of a recorded first plan', () => {
  const summary = summarizePlan(plan('dev-first.plan.json'));
  const markdown = renderSummary(summary);

  it('counts the routes of the route table, not the CORS preflights the gateway answers', () => {
    // Arrange
    const tableRoutes = routeList.map((r) => `${r.method} ${r.path}`).sort();
    const paths = [...new Set(routeList.map((r) => r.path))].sort();

    // Act
    const routes = summary.routes.added.map((r) => r.route).sort();
    const preflights = summary.preflights.added.map((r) => r.path).sort();

    // Assert
    expect(routes).toEqual(tableRoutes);
    expect(preflights).toEqual(paths);
    expect(markdown).toContain(`##### Routes: ${tableRoutes.length} added, 0 removed, 0 changed, 0 unchanged`);
    expect(markdown).not.toMatch(/\| `OPTIONS /);
    expect(markdown).toContain(`CORS preflights (\`OPTIONS\`, answered by the gateway): ${paths.map((p) => `\`+\` \`${p}\``).join(', ')}`);
  });

  it('lists each API key once, with the usage plan it joins', () => {
    expect(summary.apiKeys.map((k) => [k.kind, k.name, ...k.details])).toEqual([
      ['create', 'example-api-dev-basic', 'enabled', 'joins usage plan `example-api-dev-basic`'],
      ['create', 'example-api-dev-partner', 'enabled', 'joins usage plan `example-api-dev-partner`'],
    ]);
    expect(markdown.match(/`example-api-dev-basic`: enabled/g)).toHaveLength(1);
  });

  it('shows a name AWS completes at apply as a prefix, never as the whole name', () => {
    const roles = summary.other.find((g) => g.type === 'aws_iam_role')!.items;

    expect(roles.map((r) => [r.name, ...r.details])).toEqual([
      ['example-api-dev-handler-role'],
      ['apigateway-cloudwatch-…', 'name generated at apply from this prefix'],
    ]);
    expect(markdown).toContain('`+` `apigateway-cloudwatch-…`: name generated at apply from this prefix');
    expect(markdown).not.toContain('`apigateway-cloudwatch-`');
  });

  it('still places every resource change once: preflights and key assignments included', () => {
    const items = (groups: readonly { items: readonly { merged?: readonly string[] }[] }[]) =>
      groups.reduce((n, g) => n + g.items.reduce((m, i) => m + 1 + (i.merged?.length ?? 0), 0), 0);
    const placed =
      items([...summary.other, ...summary.otherGateway]) +
      items([{ items: summary.apiKeys }, { items: summary.usagePlans }, { items: summary.validators }, { items: summary.models }]) +
      summary.stages.reduce((n, s) => n + 1 + s.methodSettings.length, 0) +
      summary.paths.added.length +
      [...summary.routes.added, ...summary.preflights.added].reduce((n, r) => n + r.addresses.length, 0) +
      1; // the deployment, shown as the stage's redeploy

    expect(placed).toBe(summary.totals.add);
  });
});

describe('summary of a recorded change plan', () => {
  it('shows the cache cluster growing and nothing else about the gateway', () => {
    const summary = summarizePlan(plan('dev-cache-1.6.plan.json'));

    expect(summary.totals).toEqual({ add: 0, change: 1, destroy: 0, replace: 0 });
    expect(summary.stages.map((s) => [s.name, s.cacheCluster])).toEqual([['dev', '0.5 GB → 1.6 GB']]);
    expect(summary.routes).toMatchObject({ added: [], removed: [], changed: [], unchanged: routeList.length });
    expect(summary.preflights.unchanged).toBe(new Set(routeList.map((r) => r.path)).size);
    expect(summary.apiKeys).toEqual([]);
  });
});
