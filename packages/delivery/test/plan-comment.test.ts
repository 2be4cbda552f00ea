import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDetails, countPlanChanges, GITHUB_COMMENT_LIMIT, planMarker, renderPlanComment, stackOfComment } from '../src/plan-comment';
import { planSummaryMarkdown } from '@portico/infra/plan/summary';
import { terraformPlatform } from '../src/provider-mirror';
import { AWS_PROVIDER_VERSION, realPlansOrMissing, restApiConfig, type RealPlan } from './support/terraform';
import { describeWithTool, hasCommand } from './support/tools';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const SUMMARY = fixture('summary.md');

/** The fenced blocks of a comment, each as [fence, content]; fails the test when a fence is left open. */
function fencedBlocks(body: string): Array<[string, string]> {
  const blocks: Array<[string, string]> = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})text$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf(open[1]!, i + 1);
    if (end < 0) throw new Error(`fence ${open[1]} opened at line ${i + 1} is never closed`);
    blocks.push([open[1]!, lines.slice(i + 1, end).join('\n')]);
    i = end;
  }
  return blocks;
}

describe('plan markers', () => {
  it('round-trips the stack name through the hidden first line', () => {
    const body = `${planMarker('users-api-prod')}\n### plan`;
    expect(body.startsWith('<!-- portico-plan:users-api-prod -->')).toBe(true);
    expect(stackOfComment(body)).toBe('users-api-prod');
    expect(stackOfComment(`quoted\n${body}`)).toBeUndefined();
  });

  it('refuses a stack name that could break out of the HTML comment', () => {
    expect(() => planMarker('dev --> <script>')).toThrow('can\'t go in a comment marker');
  });
});

describe('countPlanChanges', () => {
  it('counts like terraform: a replacement is an add and a destroy, reads and no-ops count nothing', () => {
    const counts = countPlanChanges({
      resource_changes: [
        { mode: 'managed', change: { actions: ['create'] } },
        { mode: 'managed', change: { actions: ['update'] } },
        { mode: 'managed', change: { actions: ['delete'] } },
        { mode: 'managed', change: { actions: ['create', 'delete'] } },
        { mode: 'managed', change: { actions: ['delete', 'create'] } },
        { mode: 'managed', change: { actions: ['no-op'] } },
        { mode: 'data', change: { actions: ['read'] } },
      ],
    });
    expect(counts).toEqual({ add: 3, change: 1, destroy: 3 });
  });
});

describe('renderPlanComment', () => {
  it('puts the gateway summary first and folds the raw plan below it', () => {
    const body = renderPlanComment({
      stack: 'users-api-dev',
      ok: true,
      summaryMarkdown: SUMMARY,
      planJson: JSON.parse(fixture('rest-api.plan.json')),
      planText: fixture('rest-api.plan.txt'),
      commitSha: '0123456789abcdef',
      runUrl: 'https://github.example/acme/portico/actions/runs/1',
    });

    const lines = body.split('\n');
    expect(lines[0]).toBe('<!-- portico-plan:users-api-dev -->');
    expect(lines[1]).toBe('### ✅ `users-api-dev`: 7 to add, 0 to change, 0 to destroy');
    expect(lines[2]).toBe('<sub>commit `0123456` · [workflow run](https://github.example/acme/portico/actions/runs/1)</sub>');
    expect(body.indexOf('#### API Gateway changes')).toBeLessThan(body.indexOf('<details><summary>Raw plan'));
    const [[fence, text]] = fencedBlocks(body) as [[string, string]];
    // The plan holds a run of three backticks: a longer fence keeps it inside the block.
    expect(fence).toBe('````');
    expect(text).toBe(fixture('rest-api.plan.txt').trim());
    expect(body.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('says the plan failed, shows the error open, and still carries the marker', () => {
    const body = renderPlanComment({ stack: 'users-api-prod', ok: false, errorLog: '\u001b[31mError:\u001b[0m No valid credential sources found' });
    expect(body.split('\n').slice(0, 2)).toEqual(['<!-- portico-plan:users-api-prod -->', '### ❌ `users-api-prod`: plan failed']);
    expect(body).toContain('<details open><summary>Error output</summary>');
    expect(body).toContain('Error: No valid credential sources found');
    expect(body).not.toContain('\u001b[');
  });

  it('says "no changes" for an empty plan', () => {
    const body = renderPlanComment({ stack: 'users-api-dev', ok: true, planJson: { resource_changes: [{ mode: 'managed', change: { actions: ['no-op'] } }] } });
    expect(body).toContain('### ✅ `users-api-dev`: no changes');
  });

  it('never exceeds the limit, cuts the raw plan before the summary, and never splits a surrogate pair', () => {
    const planText = Array.from({ length: 4000 }, (_, i) => `  + resource "aws_api_gateway_resource" "r${i}" { path_part = "😀 ${i}" }`).join('\n');
    for (const limit of [400, 1_000, 5_000, 20_000, 64_000, GITHUB_COMMENT_LIMIT]) {
      const body = renderPlanComment({ stack: 'users-api-dev', ok: true, summaryMarkdown: SUMMARY, planText, artifactName: 'terraform-plans', limit });
      expect(body.length).toBeLessThanOrEqual(limit);
      expect(body.startsWith(planMarker('users-api-dev'))).toBe(true);
      expect(body).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
      if (limit >= 5_000) {
        expect(body).toContain(SUMMARY.trim());
        expect(fencedBlocks(body)[0]![1]).toMatch(/… cut to fit GitHub's comment limit: \d+ of 4000 lines shown; the full plan is in the workflow artifact `terraform-plans`\.$/);
      }
    }
  });
});

describe('renderPlanComment with the monthly cost estimate', () => {
  const COST = fixture('summary-dev.md');

  it('carries the summary\'s cost section, arithmetic folded, for each stage', () => {
    for (const [stack, name] of [['users-api-dev', 'summary-dev.md'], ['users-api-prod', 'summary-prod.md']] as const) {
      const summary = fixture(name);

      const body = renderPlanComment({ stack, ok: true, summaryMarkdown: summary, planText: fixture('rest-api.plan.txt') });

      expect(body).toContain('\n#### Monthly cost estimate\n');
      expect(body).toMatch(/\*\*\$[\d,.]+ a month\*\* after this plan/);
      expect(body.indexOf('<details><summary>How the estimate is computed</summary>')).toBeLessThan(body.indexOf('<details><summary>Raw plan'));
      expect(closeDetails(body)).toBe(body);
    }
  });

  it('closes the folded arithmetic when the summary has to be cut inside it', () => {
    // The raw plan goes first; then the summary is cut at a line inside its <details>.
    const inside = COST.indexOf('- CloudFront, HTTPS requests');
    expect(inside).toBeGreaterThan(COST.indexOf('<details>'));
    const limit = 200 + inside + 400;

    const body = renderPlanComment({ stack: 'users-api-dev', ok: true, summaryMarkdown: COST, planText: 'x\n'.repeat(5_000), limit });

    expect(body.length).toBeLessThanOrEqual(limit);
    expect(body).toContain('How the estimate is computed');
    expect(body).toMatch(/- CloudFront, HTTPS requests[^\n]*\n\n<\/details>\n… cut to fit GitHub's comment limit: \d+ of \d+ lines shown; the full plan is in the workflow artifacts\.\n\n<details><summary>Raw plan/);
    expect(closeDetails(body)).toBe(body);
  });
});

describe('closeDetails', () => {
  it('closes what a cut left open, and counts no tag inside a code fence', () => {
    expect(closeDetails('a\n<details><summary>x</summary>\n\n- line')).toBe('a\n<details><summary>x</summary>\n\n- line\n\n</details>');
    expect(closeDetails('<details>\n</details>\n```\n<details>\n```')).toBe('<details>\n</details>\n```\n<details>\n```');
    expect(closeDetails('<details>\n```text\nsome output')).toBe('<details>\n```text\nsome output\n```\n\n</details>');
  });
});

describeWithTool('terraform', hasCommand('terraform') ? undefined : 'terraform is not on PATH')('which real-plan failures may skip the tests', () => {
  const unreachableRegistry = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, HTTPS_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9' };
    for (const name of ['TF_PLUGIN_MIRROR', 'NO_PROXY', 'no_proxy']) delete env[name];
    return env;
  };

  it('fails on a configuration terraform rejects, instead of calling it a missing tool', () => {
    // A config without providers: terraform plans it offline, and rejects the undeclared local.
    const result = realPlansOrMissing([{ output: { broken: { value: '${local.missing}' } } }]);

    expect('missing' in result).toBe(false);
    expect('error' in result && result.error.message).toContain('Reference to undeclared local value');
  });

  it('skips, naming TF_PLUGIN_MIRROR, when there is no mirror and no way to the registry', () => {
    const result = realPlansOrMissing([restApiConfig(0)], unreachableRegistry());

    expect(result).toEqual({ missing: expect.stringMatching(/^no TF_PLUGIN_MIRROR and the Terraform registry is out of reach \(.*127\.0\.0\.1:9.*\): set TF_PLUGIN_MIRROR/) });
  });

  it('skips without running terraform when the mirror lacks the provider', () => {
    const mirror = mkdtempSync(join(tmpdir(), 'portico-empty-mirror-'));

    const result = realPlansOrMissing([restApiConfig(0)], { ...process.env, TF_PLUGIN_MIRROR: mirror });

    expect(result).toEqual({ missing: `TF_PLUGIN_MIRROR=${mirror} holds no hashicorp/aws ${AWS_PROVIDER_VERSION} for ${terraformPlatform()}` });
  });
});

// The small API, then the same API with 300 more resources: a real plan longer than a comment may be.
const real = realPlansOrMissing([restApiConfig(0), restApiConfig(300)]);
const realPlans: RealPlan[] = 'plans' in real ? real.plans : [];

describeWithTool('terraform with the aws provider', 'missing' in real ? real.missing : undefined)('renderPlanComment on real terraform plans', () => {
  beforeAll(() => {
    // Terraform is there but the plan failed: that is a failure of these tests, not a reason to skip them.
    if ('error' in real) throw real.error;
  });

  it('renders the counts and the raw plan of a real `terraform show`', () => {
    const [small] = realPlans as [RealPlan];
    const body = renderPlanComment({ stack: 'users-api-dev', ok: true, summaryMarkdown: SUMMARY, planJson: small.json, planText: small.text });

    const types = new Set(small.json.resource_changes!.map((rc) => rc.type));
    expect(types).toEqual(new Set(['aws_api_gateway_rest_api', 'aws_api_gateway_resource', 'aws_api_gateway_method', 'aws_api_gateway_integration', 'aws_api_gateway_deployment', 'aws_api_gateway_stage', 'aws_api_gateway_api_key']));
    expect(body).toContain(`### ✅ \`users-api-dev\`: ${small.json.resource_changes!.length} to add, 0 to change, 0 to destroy`);
    expect(fencedBlocks(body)[0]![1]).toBe(small.text.trim());
    expect(body).toContain('# aws_api_gateway_stage.dev will be created');
  });

  it("puts infra's gateway summary of the same real plan above the folded raw plan", () => {
    const [small] = realPlans as [RealPlan];
    const summary = planSummaryMarkdown(small.json as Parameters<typeof planSummaryMarkdown>[0]);

    const body = renderPlanComment({ stack: 'users-api-dev', ok: true, summaryMarkdown: summary, planJson: small.json, planText: small.text });

    expect(summary).toContain('**Plan:** 7 to add, 0 to change, 0 to destroy.');
    expect(summary).toMatch(/\| `\+` \| `GET \/users` \| `none` \| no \|.*\| `limit` \|/);
    expect(summary).toContain('- **Redeploy:** yes');
    expect(body.indexOf(summary.trim())).toBeGreaterThan(-1);
    expect(body.indexOf(summary.trim())).toBeLessThan(body.indexOf('<details><summary>Raw plan'));
  });

  it('cuts a real plan longer than a GitHub comment at a line, keeping the summary and closing the fold', () => {
    const [, big] = realPlans as [RealPlan, RealPlan];
    expect(big.text.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);

    const body = renderPlanComment({ stack: 'users-api-dev', ok: true, summaryMarkdown: SUMMARY, planJson: big.json, planText: big.text, artifactName: 'terraform-plans' });

    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body).toContain('307 to add, 0 to change, 0 to destroy');
    expect(body).toContain(SUMMARY.trim());
    const [, shown] = fencedBlocks(body)[0]!;
    const kept = shown.split('\n').slice(0, -1).join('\n');
    expect(big.text.trim().startsWith(`${kept}\n`)).toBe(true);
    expect(shown).toMatch(/lines shown; the full plan is in the workflow artifact `terraform-plans`\.$/);
    expect(body.trimEnd().endsWith('</details>')).toBe(true);
  });
});
