/**
 * How long the infrastructure commands take, per stack, on this machine: synth in process (first and warm) and as a
 * process, then whole `plan` runs (synth, `terraform init`, `plan`, `show`, offline, the provider from
 * `TF_PLUGIN_MIRROR`), then apply, re-apply and destroy of one stack on `moto_server` when it is installed. Stacks are
 * measured side by side in each round; medians. Everything goes to a temporary directory (state, cdktf.out, plans):
 * nothing of the developer's own plans or state is touched.
 *
 * Writes `reports/infra-timings.md`. By hand after `pnpm build` (`pnpm --filter @portico/infra measure:timings`);
 * not a test.
 *
 * @example TF_PLUGIN_MIRROR=/opt/tf-plugins pnpm --filter @portico/infra measure:timings -- --plan-rounds 5
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const infraDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportFile = join(infraDir, 'reports', 'infra-timings.md');
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    'synth-rounds': { type: 'string', default: '9' },
    'process-rounds': { type: 'string', default: '5' },
    'plan-rounds': { type: 'string', default: '3' },
    'apply-rounds': { type: 'string', default: '1' },
    'apply-api': { type: 'string', default: 'users-api' },
  },
});
const rounds = {
  synth: Number(values['synth-rounds']),
  process: Number(values['process-rounds']),
  plan: Number(values['plan-rounds']),
  apply: Number(values['apply-rounds']),
};

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const msText = (ms: number): string => (Number.isNaN(ms) ? 'n/a' : `${Math.round(ms)} ms`);
const sText = (ms: number): string => (Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
const range = (xs: readonly number[], fmt: (ms: number) => string): string =>
  xs.length > 1 ? `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})` : fmt(median(xs));
const usd = (n: number): string => `$${n.toFixed(2)}`;

/** Wall time of a child process, spawn to exit. */
function timeProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: infraDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(performance.now() - started) : fail(new Error(`${args.join(' ')}: exit ${code}\n${stderr}`))));
  });
}

/** The "after this plan" column of a summary's monthly cost table, by service, and its traffic line. */
function costOf(summaryFile: string): { services: Map<string, string>; traffic: string } {
  const text = readFileSync(summaryFile, 'utf8');
  const section = text.slice(text.indexOf('#### Monthly cost estimate'));
  const lines = section.split('\n');
  const header = lines.findIndex((line) => line.startsWith('| service |'));
  const services = new Map<string, string>();
  for (let i = header; header >= 0 && i < lines.length && lines[i]!.startsWith('|'); i++) {
    const line = lines[i]!;
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length === 6 && cells[1] && !['service', '---'].includes(cells[1])) services.set(cells[1].replace(/\*|⚠️/g, '').trim(), cells[3]!.replace(/\*/g, ''));
  }
  return { services, traffic: /Traffic: ([\d,]+ requests a month)/.exec(section)?.[1] ?? 'n/a' };
}

function countResources(stackDir: string): number {
  const json = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
  return Object.values(json.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

async function main(): Promise<void> {
  if (!process.env.TF_PLUGIN_MIRROR) throw new Error('Set TF_PLUGIN_MIRROR to a provider mirror holding hashicorp/aws: the plans run offline');
  const work = mkdtempSync(join(tmpdir(), 'portico-infra-timings-'));
  // No credentials: offline plans (as a first plan on a developer's machine); nothing under infra/ is written.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  Object.assign(env, {
    PORTICO_STATE_DIR: join(work, 'state'),
    PORTICO_CDKTF_OUT: join(work, 'cdktf.out'),
    TF_PLUGIN_CACHE_DIR: join(work, 'plugin-cache'),
  });
  const loadBefore = loadavg()[0]!;
  try {
    // Loading the modules a synth needs (cdktf, the provider bindings, the apps' configs), once, in this process.
    const loadStarted = performance.now();
    const { synthesize } = await import('../src/app');
    const { discoverApis, findRepoRoot } = await import('../src/discover');
    const { planTargetFromEnv } = await import('../src/target');
    const { planStacks } = await import('../src/plan/run');
    const { deploy } = await import('../src/deploy');
    const apis = await discoverApis(findRepoRoot(infraDir));
    const loadMs = performance.now() - loadStarted;

    const target = planTargetFromEnv(env, infraDir);
    const stacks = apis.flatMap((api) => Object.keys(api.config.stages).map((stage) => ({ api, stage, name: `${api.config.name}-${stage}` })));
    const synthTimes = new Map(stacks.map((s) => [s.name, { first: Number.NaN, warm: [] as number[], resources: 0 }]));
    for (let round = 0; round <= rounds.synth; round++) {
      for (let k = 0; k < stacks.length; k++) {
        const { api, stage, name } = stacks[(round + k) % stacks.length]!;
        const outdir = join(work, 'synth', name);
        const started = performance.now();
        const [stack] = synthesize({ apis: [api], stages: [stage], target, outdir });
        const ms = performance.now() - started;
        const t = synthTimes.get(name)!;
        if (round === 0) {
          t.first = ms;
          t.resources = countResources(stack!.dir);
        } else t.warm.push(ms);
      }
    }

    const synthProcess: number[] = [];
    for (let round = 0; round < rounds.process; round++) synthProcess.push(await timeProcess(['bin/portico-infra.mjs', 'synth'], env));

    type StepTimes = { init: number[]; plan: number[]; show: number[]; resources?: number; cost?: string };
    const planTimes = new Map<string, StepTimes>(stacks.map((s) => [s.name, { init: [], plan: [], show: [] }]));
    const planRuns: number[] = [];
    const planSynth: number[] = [];
    for (let round = 0; round < rounds.plan; round++) {
      const started = performance.now();
      const result = await planStacks({ env, plansDir: join(work, 'plans'), log: () => {} });
      planRuns.push(performance.now() - started);
      planSynth.push(result.synthMs);
      for (const stack of result.stacks) {
        if (!stack.ok) throw new Error(`plan of ${stack.stack} failed: ${stack.error}`);
        const t = planTimes.get(stack.stack)!;
        t.init.push(stack.timings.initMs!);
        t.plan.push(stack.timings.planMs!);
        t.show.push(stack.timings.showMs!);
        if (stack.resources !== undefined) t.resources = stack.resources;
        const cost = stack.cost;
        if (cost && 'after' in cost) t.cost = `${usd(cost.after)} a month${cost.partial ? ', partial' : ''}`;
        else if (cost && 'refused' in cost) t.cost = `not estimated: ${cost.refused}`;
      }
    }
    // The estimates of the last round's plans (they do not change between rounds: same plan, same inputs).
    const costs = new Map(stacks.map(({ name }) => [name, costOf(join(work, 'plans', name, 'summary.md'))]));
    const services = [...new Set([...costs.values()].flatMap((c) => [...c.services.keys()]))];

    const applyLines: string[] = [];
    const motoProblem = rounds.apply > 0 ? (await import('../test/support/tools')).motoProblem(env) : 'not asked for (--apply-rounds 0)';
    if (motoProblem) applyLines.push(`Apply on moto_server not measured: ${motoProblem}.`);
    else {
      const api = apis.find((a) => a.config.name === values['apply-api']);
      if (!api) throw new Error(`No API named ${values['apply-api']}`);
      const { startMoto } = await import('../test/support/moto');
      const times = { apply: [] as number[], reapply: [] as number[], destroy: [] as number[] };
      let counts = '';
      try {
        for (let round = 0; round < rounds.apply; round++) {
          const moto = await startMoto(env);
          try {
            const motoEnv = { ...env, AWS_ENDPOINT_URL: moto.endpoint, PORTICO_STATE_DIR: join(work, `moto-state-${round}`) };
            const options = { api, stage: 'dev', env: motoEnv, log: () => {}, cliConfigDir: join(work, 'terraform-cli') };
            const applied = await deploy(options);
            times.apply.push(applied.timings.applyMs);
            counts = `${applied.resources.added} resources${applied.omitted.length ? `; left out for the emulator: ${applied.omitted.join(', ')}` : ''}`;
            times.reapply.push((await deploy(options)).timings.applyMs);
            times.destroy.push((await deploy({ ...options, destroy: true })).timings.applyMs);
          } finally {
            await moto.stop();
          }
        }
      } catch (error) {
        applyLines.push(`Apply on moto_server failed, so these are the rounds that finished: ${(error as Error).message.split('\n')[0]}`, '');
      }
      const stack = `${api.config.name}-dev`;
      applyLines.push(
        `\`terraform apply\` of \`${stack}\` to a fresh \`moto_server\` (${counts}), then again with nothing to change, then`,
        `\`terraform destroy\`, through infra's \`deploy()\`; ${rounds.apply} round(s), ${rounds.apply > 1 ? 'median (min–max)' : 'one run each: not a median'}.`,
        '',
        '| step | time |',
        '| :-- | --: |',
        `| apply, first | ${range(times.apply, sText)} |`,
        `| apply, no changes | ${range(times.reapply, sText)} |`,
        `| destroy | ${range(times.destroy, sText)} |`,
      );
    }
    const loadAfter = loadavg()[0]!;

    const tfVersion = (JSON.parse(execFileSync('terraform', ['version', '-json'], { encoding: 'utf8' })) as { terraform_version: string }).terraform_version;
    const gitRev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: infraDir, encoding: 'utf8' }).trim();
    const synthRows = stacks.map(({ name }) => {
      const t = synthTimes.get(name)!;
      return `| \`${name}\` | ${t.resources} | ${msText(t.first)} | ${range(t.warm, msText)} |`;
    });
    const planRows = stacks.map(({ name }) => {
      const t = planTimes.get(name)!;
      return `| \`${name}\` | ${t.resources ?? 'n/a'} | ${range(t.init, sText)} | ${range(t.plan, sText)} | ${range(t.show, sText)} | ${t.cost ?? 'n/a'} |`;
    });
    const costRows = stacks.map(({ name }) => {
      const c = costs.get(name)!;
      return `| \`${name}\` | ${c.traffic} | ${services.map((service) => c.services.get(service) ?? 'n/a').join(' | ')} |`;
    });
    const report = `# Infrastructure timings: synth, plan, apply

Generated by \`pnpm --filter @portico/infra measure:timings\` (\`infra/scripts/measure-infra.ts\`) on
${new Date().toISOString().slice(0, 16)}Z at ${gitRev}: Node ${process.version}, Terraform ${tfVersion}, ${cpus().length} × ${cpus()[0]?.model.trim()}, 1-min load
average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after. Every stack of every API under \`apps/\`, offline (no AWS
credentials: no refresh, no account lookups), the AWS provider from \`TF_PLUGIN_MIRROR\`, state, \`cdktf.out\` and plans
in a temporary directory. A shared 2-core machine: read the times as upper bounds and compare rows of one run.

## Synth

Loading infra's modules and the APIs' configs once, in process: ${msText(loadMs)}. Then each stack synthesized alone,
the stacks in turn: the first synth in the process, then ${rounds.synth} more per stack, median (min–max).

| stack | resources | first synth in process | warm synth |
| :-- | --: | --: | --: |
${synthRows.join('\n')}

\`portico-infra synth\` (what \`pnpm synth\` runs) as a process, every stack, ${rounds.process} runs: ${range(synthProcess, sText)}.

## Plan

${rounds.plan} whole \`planStacks\` runs (what \`pnpm plan\` runs: synth of every stack, then per stack \`terraform init\`,
\`plan\`, and \`show -json\` with \`show\` side by side): ${range(planRuns, sText)} each, of which synth ${range(planSynth, msText)}.
Per stack, median (min–max); the cost estimate is the one each plan's \`summary.md\` ends with.

| stack | resources | \`terraform init\` | \`terraform plan\` | \`show -json\` + \`show\` | monthly cost estimate |
| :-- | --: | --: | --: | --: | :-- |
${planRows.join('\n')}

The monthly cost estimates of those plans, after the plan, by service (from each stack's \`summary.md\`: traffic from
the API's config, prices from \`infra/cost/prices/\`, durations from the app's \`cost/lambda-durations.json\`; "not
priced" where the price table has no figure for the region):

| stack | traffic | ${services.join(' | ')} |
| :-- | :-- | ${services.map(() => '--:').join(' | ')} |
${costRows.join('\n')}

## Apply on the emulator

${applyLines.join('\n')}
`;
    mkdirSync(dirname(reportFile), { recursive: true });
    writeFileSync(reportFile, report);
    process.stdout.write(report);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
