/**
 * The "Monthly cost estimate" section of a plan's summary: the total, per service, against the current state, what is
 * left out and why, and the arithmetic folded below, line by line, so a reviewer can redo it.
 */
import { SERVICES, usd, type CostEstimate, type WorldCost } from './cost';

export interface CostSummaryOptions {
  /** Where the traffic assumptions come from, e.g. `stages.dev.traffic` in an app's `portico.config.ts`. */
  readonly trafficSource?: string;
  /** Requests a month and viewer geography, for the one-line reminder of the assumptions. */
  readonly requestsPerMonth?: number;
}

/**
 * Renders the estimate as Markdown, headed `#### Monthly cost estimate` (it follows the gateway summary).
 *
 * @example
 * renderCostEstimate(estimateCost(plan, inputs), { trafficSource: 'stages.dev.traffic in apps/orders-api/portico.config.ts' });
 * // #### Monthly cost estimate
 * // **$12.34 a month** after this plan; **+$12.34** against the current state ($0.00).
 * // | service | current | after this plan | change |
 * // …
 */
export function renderCostEstimate(estimate: CostEstimate, options: CostSummaryOptions = {}): string {
  const blocks = ['#### Monthly cost estimate'];
  if (estimate.refused) {
    blocks.push(`Not estimated: ${estimate.refused}.`);
    return `${blocks.join('\n\n')}\n`;
  }
  const { before, after, change } = estimate;
  const partial = estimate.missing.length > 0 ? ' Partial: some parts are not priced (below).' : '';
  blocks.push(`**${usd(after.total)} a month** after this plan; **${signed(change)}** against the current state (${before.exists ? usd(before.total) : 'nothing deployed'}).${partial}`);
  blocks.push(serviceTable(estimate));
  blocks.push(assumptions(estimate, options));
  const warnings = warningLines(estimate);
  if (warnings.length > 0) blocks.push(['> [!WARNING]', ...warnings.map((w) => `> - ${w}`)].join('\n'));
  blocks.push(arithmetic(estimate));
  return `${blocks.join('\n\n')}\n`;
}

function signed(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  if (rounded === 0 && Math.abs(value) < 0.005) return usd(0);
  return value > 0 ? `+${usd(value)}` : usd(value);
}

function serviceTable({ before, after, missing }: CostEstimate): string {
  const notPriced = new Set(missing.map((m) => m.service));
  const rows = SERVICES.filter((s) => before.byService[s] !== 0 || after.byService[s] !== 0 || notPriced.has(s)).map((service) => {
    const was = before.byService[service];
    const will = after.byService[service];
    if (notPriced.has(service) && was === 0 && will === 0) return `| ${service} ⚠️ | not priced | not priced | — |`;
    return `| ${service}${notPriced.has(service) ? ' ⚠️' : ''} | ${usd(was)} | ${usd(will)} | ${signed(will - was)} |`;
  });
  return [
    '| service | current | after this plan | change |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    `| **total** | **${usd(before.total)}** | **${usd(after.total)}** | **${signed(after.total - before.total)}** |`,
  ].join('\n');
}

function assumptions(estimate: CostEstimate, options: CostSummaryOptions): string {
  const parts: string[] = [];
  if (options.requestsPerMonth !== undefined) {
    parts.push(`Traffic: ${options.requestsPerMonth.toLocaleString('en-US')} requests a month${options.trafficSource ? ` (${options.trafficSource})` : ''}.`);
  } else if (options.trafficSource) parts.push(`Traffic: ${options.trafficSource}.`);
  if (estimate.prices) {
    parts.push(`Prices: ${estimate.region}, ${estimate.prices.file ? `\`${estimate.prices.file}\`` : 'price table'} checked ${estimate.prices.version}; CloudFront ${estimate.prices.cloudFrontModel.replace(/\.?$/, '.')}`);
  }
  if (estimate.durations) parts.push(`Lambda durations measured ${estimate.durations.measured} (${estimate.durations.file ? `\`${estimate.durations.file}\`` : 'measurements'}), each invocation rounded up to 1 ms.`);
  parts.push('Free tiers are shown below, not subtracted.');
  return parts.join(' ');
}

function warningLines(estimate: CostEstimate): string[] {
  const lines: string[] = [];
  for (const refusal of estimate.missing) lines.push(`Not priced — ${refusal.what}: ${refusal.why}.`);
  for (const route of estimate.unknownRoutes) lines.push(`The traffic names \`${route}\`, which this plan does not have: only CloudFront prices its requests.`);
  if (estimate.unconfirmed.length > 0) {
    const ids = estimate.unconfirmed.map((u) => `\`${u.id}\``).join(', ');
    lines.push(`Figures for ${estimate.region} from a secondary source, not read on AWS's page: ${ids} (see the price table).`);
  }
  return lines;
}

function arithmetic(estimate: CostEstimate): string {
  const lines = ['<details><summary>How the estimate is computed</summary>', ''];
  lines.push(...world('After this plan', estimate.after));
  lines.push(...world('Current state', estimate.before));
  if (estimate.freeTier.length > 0) {
    lines.push('**Free tier, not subtracted** (what it would take off the after-plan figures, for an eligible account that uses it for nothing else):', '');
    for (const use of estimate.freeTier) lines.push(`- ${use.label} (${use.scope}): ${use.arithmetic}. ${use.note}`);
    lines.push('');
  }
  lines.push('</details>');
  return lines.join('\n');
}

function world(title: string, cost: WorldCost): string[] {
  if (!cost.exists) return [`**${title}:** nothing deployed, $0.00.`, ''];
  const lines = [`**${title}:** ${usd(cost.total)}`, ''];
  for (const fact of cost.facts) lines.push(`- ${fact}`);
  for (const line of cost.lines) lines.push(`- ${line.service}, ${line.label}: ${line.arithmetic}`);
  lines.push('');
  return lines;
}
