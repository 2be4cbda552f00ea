/**
 * The plan of one stack as a PR reviewer reads it: not 60 resource diffs, but "these routes appear, this usage
 * plan's quota doubles, the stage redeploys". Written to `infra/plans/<stack>/summary.md` and placed on top of the
 * plan comment (packages/delivery), where the raw `terraform show` is folded below it.
 */
import { show, summarizePlan, type FacetChange, type ItemChange, type PlanSummary, type Route, type RouteChange, type RouteDiff, type StageSummary, type TypeGroup } from './analyze';
import type { PlanJson } from './plan-json';

export { summarizePlan } from './analyze';
export type { PlanSummary } from './analyze';

/** How a change is marked, as terraform marks it. */
const MARK: Record<ItemChange['kind'], string> = { create: '+', delete: '-', update: '~', replace: '-/+' };

/** Items listed per line of an "other resources" group before the rest is counted. */
const MAX_ITEMS_PER_GROUP = 12;

/**
 * The Markdown summary of a plan (`terraform show -json`), at API Gateway level. Headings start at level 4, as the
 * summary sits under the plan comment's own heading.
 *
 * @example
 * const plan = JSON.parse(readFileSync('infra/plans/orders-api-dev/plan.json', 'utf8'));
 * writeFileSync('summary.md', planSummaryMarkdown(plan));
 * // #### API Gateway changes
 * // **Plan:** 2 to add, 1 to change, 1 to destroy.
 * // ##### Routes: 1 added, 1 removed, 0 changed, 5 unchanged
 * // | | route | auth | API key | validator | body model | cache keys |
 * // …
 * // CORS preflights (`OPTIONS`, answered by the gateway): `+` `/health`, `-` `/legacy`; 3 unchanged
 */
export function planSummaryMarkdown(plan: PlanJson): string {
  return renderSummary(summarizePlan(plan));
}

/** Renders a summary made by `summarizePlan`. */
export function renderSummary(summary: PlanSummary): string {
  const blocks: string[] = ['#### API Gateway changes', totalsLine(summary)];
  if (summary.undeployedDefinitionChange) {
    blocks.push(
      '> [!WARNING]\n> The API definition changes but no new deployment is planned: stages keep serving the old API until they are redeployed.',
    );
  }
  if (summary.accessLost.length > 0) {
    blocks.push(
      [
        '> [!CAUTION]',
        '> These routes let more callers in after this change:',
        ...summary.accessLost.map((loss) => `> - \`${loss.route}\` no longer requires ${loss.what}`),
      ].join('\n'),
    );
  }
  blocks.push([routesBlock(summary), preflightsLine(summary.preflights)].filter(Boolean).join('\n\n'));
  blocks.push(...summary.stages.map(stageBlock));
  blocks.push(
    ...[
      itemsBlock('Request validators', summary.validators),
      itemsBlock('Models', summary.models),
      itemsBlock('API keys', summary.apiKeys),
      itemsBlock('Usage plans', summary.usagePlans),
      groupsBlock('Other API Gateway resources', summary.otherGateway),
      groupsBlock('Other resources', summary.other),
    ].filter((block): block is string => block !== undefined),
  );
  return `${blocks.join('\n\n')}\n`;
}

function totalsLine({ totals }: PlanSummary): string {
  if (totals.add + totals.change + totals.destroy === 0) return '**No changes.** The infrastructure matches the configuration.';
  const replaced = totals.replace > 0 ? ` (${totals.replace} replaced, counted in both)` : '';
  return `**Plan:** ${totals.add} to add, ${totals.change} to change, ${totals.destroy} to destroy${replaced}.`;
}

function routesBlock({ routes, paths }: PlanSummary): string {
  const { added, removed, changed, unchanged } = routes;
  const total = added.length + removed.length + changed.length;
  const heading = `##### Routes: ${added.length} added, ${removed.length} removed, ${changed.length} changed, ${unchanged} unchanged`;
  if (total === 0) return `${heading}\n\nNo route changes.`;
  const withNotes = changed.length > 0;
  const header = ['', 'route', 'auth', 'API key', 'validator', 'body model', 'cache keys', ...(withNotes ? ['what changes'] : [])];
  const rows = [
    ...added.map((r) => routeRow('+', r, withNotes)),
    ...removed.map((r) => routeRow('-', r, withNotes)),
    ...changed.map((c) => changedRouteRow(c)),
  ];
  const lines = [heading, '', tableRow(header), tableRow(header.map(() => '---')), ...rows.map(tableRow)];
  const pathLine = [
    ...paths.added.map((p) => `${mark('+')} \`${p}\``),
    ...paths.removed.map((p) => `${mark('-')} \`${p}\``),
  ];
  if (pathLine.length > 0) lines.push('', `Resource paths: ${pathLine.join(', ')}`);
  return lines.join('\n');
}

/** One line for the CORS preflights: which paths gain or lose one, what changes in them, how many stay. */
function preflightsLine({ added, removed, changed, unchanged }: RouteDiff): string {
  const total = added.length + removed.length + changed.length + unchanged;
  if (total === 0) return '';
  const where = (route: Route) => `\`${route.route.replace(/OPTIONS (?=\S+$)/, '')}\``;
  const parts = [
    ...added.map((r) => `${mark('+')} ${where(r)}`),
    ...removed.map((r) => `${mark('-')} ${where(r)}`),
    ...changed.map((c) => `${mark('~')} ${where(c.after)} (${[...c.facets.map(facetText), ...c.notes].join('; ')})`),
  ];
  const rest = unchanged > 0 ? `${parts.length > 0 ? '; ' : ''}${unchanged} unchanged` : '';
  return `CORS preflights (\`OPTIONS\`, answered by the gateway): ${parts.join(', ')}${rest}`;
}

function routeRow(symbol: string, route: Route, withNotes: boolean): string[] {
  return [
    mark(symbol),
    `\`${route.route}\``,
    show(route.auth),
    show(route.apiKeyRequired),
    show(route.validator),
    show(route.models),
    show(route.cacheKeys),
    ...(withNotes ? [''] : []),
  ];
}

function changedRouteRow(change: RouteChange): string[] {
  const cell = (label: string, value: unknown): string => {
    const facet = change.facets.find((f) => f.label === label);
    return facet ? `${facet.before} → **${facet.after}**` : show(value);
  };
  const shown = new Set(['auth', 'API key', 'validator', 'body model', 'cache keys']);
  const rest = [...change.facets.filter((f) => !shown.has(f.label)).map(facetText), ...change.notes];
  return [
    mark('~'),
    `\`${change.after.route}\``,
    cell('auth', change.after.auth),
    cell('API key', change.after.apiKeyRequired),
    cell('validator', change.after.validator),
    cell('body model', change.after.models),
    cell('cache keys', change.after.cacheKeys),
    rest.join('; ') || '—',
  ];
}

function stageBlock(stage: StageSummary): string {
  const status = { create: ' (new)', delete: ' (removed)', replace: ' (replaced)', update: '', 'no-op': '' }[stage.kind];
  const lines = [`##### Stage \`${stage.name}\`${status}`, ''];
  if (stage.kind === 'delete') {
    lines.push('- The stage is removed: its URL stops answering.');
    return lines.join('\n');
  }
  lines.push(`- **Redeploy:** ${stage.redeploy.will ? `yes, ${stage.redeploy.reason}.` : `no, ${stage.redeploy.reason}.`}`);
  if (stage.cacheCluster) lines.push(`- **Cache cluster:** ${stage.cacheCluster}`);
  if (stage.methodSettings.length > 0) {
    lines.push('- **Method settings** (throttling, caching):');
    lines.push(...stage.methodSettings.map((s) => `  - ${itemLine(s)}`));
  }
  if (stage.cacheKeys.length > 0) {
    lines.push('- **Cache keys:**');
    lines.push(...stage.cacheKeys.map((k) => `  - \`${k.label}\`: ${k.before === '' ? k.after : `${k.before} → ${k.after}`}`));
  }
  if (stage.details.length > 0) lines.push(`- **Stage settings:** ${stage.details.join('; ')}`);
  return lines.join('\n');
}

function itemsBlock(title: string, items: readonly ItemChange[]): string | undefined {
  if (items.length === 0) return undefined;
  return [`##### ${title}`, '', ...items.map((i) => `- ${itemLine(i)}`)].join('\n');
}

function groupsBlock(title: string, groups: readonly TypeGroup[]): string | undefined {
  if (groups.length === 0) return undefined;
  const lines = [`##### ${title}`, ''];
  for (const group of groups) {
    const shown = group.items.slice(0, MAX_ITEMS_PER_GROUP).map(itemLine);
    const more = group.items.length - shown.length;
    lines.push(`- \`${group.type}\` (${group.items.length}): ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
  }
  return lines.join('\n');
}

function itemLine(item: ItemChange): string {
  return `${mark(MARK[item.kind])} \`${item.name}\`${item.details.length > 0 ? `: ${item.details.join(', ')}` : ''}`;
}

function facetText(facet: FacetChange): string {
  return `${facet.label} ${facet.before} → ${facet.after}`;
}

function mark(symbol: string): string {
  return `\`${symbol}\``;
}

/** One table row; a `|` inside a cell would end it. */
function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replaceAll('|', '\\|').replaceAll('\n', ' ')).join(' | ')} |`;
}

