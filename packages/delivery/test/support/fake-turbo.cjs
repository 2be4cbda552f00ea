#!/usr/bin/env node
// Stand-in for `turbo` (and for `pnpm`, whose `pnpm turbo …` it answers the same way), playing the part of turbo and
// of infra's plan and deploy scripts from data, in the current directory (a repo root):
//   FAKE_APPS      JSON {"apps/<folder>": {"name": "<api>", "stages": ["dev", …]}}: the workspace's apps
//   FAKE_AFFECTED  JSON ["apps/<folder>", …]: what `--affected` finds changed (turbo's answer)
//   FAKE_CALLS     a file each call is appended to, as JSON {args, base, stage, token} (TURBO_SCM_BASE, STAGE and
//                  GITHUB_TOKEN as the call saw them)
//   FAKE_FIXTURES  plan files to write: rest-api.plan.json, summary-<stage>.md (else summary.md)
//   FAKE_PLAN_FAIL stacks, space-separated, whose plan fails (terraform's error on stderr, exit 1)
//   FAKE_DEPLOY_FAIL when set, the deploy fails (terraform's error on stderr, exit 1)
//   FAKE_PLAN_TEXT when set, plan.txt too (rest-api.plan.txt), as infra's plan does; else ci-plan runs terraform show
// `run <task> [--affected] [--filter=./<dir> | --filter=!./<dir>]… [--dry=json]`: a dry run prints turbo's JSON plan
// (a task per workspace, `<NONEXISTENT>` where the package has no such script); a run writes what infra writes.
'use strict';
const { appendFileSync, existsSync, mkdirSync, copyFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

let args = process.argv.slice(2);
if (args[0] === 'turbo') args = args.slice(1);
const env = process.env;
if (env.FAKE_CALLS) appendFileSync(env.FAKE_CALLS, `${JSON.stringify({ args, base: env.TURBO_SCM_BASE ?? null, stage: env.STAGE, token: env.GITHUB_TOKEN })}\n`);
if (args[0] !== 'run' || !['plan', 'deploy'].includes(args[1])) {
  console.error(`fake turbo: unexpected: ${args.join(' ')}`);
  process.exit(64);
}
const task = args[1];
const apps = JSON.parse(env.FAKE_APPS ?? '{}');
const affected = JSON.parse(env.FAKE_AFFECTED ?? '[]');
const include = args.filter((a) => a.startsWith('--filter=./')).map((a) => a.slice('--filter=./'.length));
const exclude = args.filter((a) => a.startsWith('--filter=!./')).map((a) => a.slice('--filter=!./'.length));
const chosen = Object.keys(apps)
  .filter((dir) => !args.includes('--affected') || affected.includes(dir))
  .filter((dir) => include.length === 0 || include.includes(dir))
  .filter((dir) => !exclude.includes(dir));

if (args.includes('--dry=json')) {
  const task_ = (pkg, directory, command) => ({ taskId: `${pkg}#${task}`, task, package: pkg, directory, command });
  const tasks = [
    ...chosen.map((dir) => task_(`@acme/${apps[dir].name}`, dir, `portico-infra ${task}`)),
    // A package without the script, as turbo lists it.
    task_('@acme/infra', 'infra', '<NONEXISTENT>'),
  ];
  process.stdout.write(JSON.stringify({ id: 'fake', tasks }, null, 2));
  process.exit(0);
}

if (task === 'plan') {
  const failing = (env.FAKE_PLAN_FAIL ?? '').split(/\s+/).filter(Boolean);
  let failed = false;
  for (const dir of chosen) {
    for (const stage of apps[dir].stages) {
      const stack = `${apps[dir].name}-${stage}`;
      mkdirSync(`infra/cdktf.out/stacks/${stack}`, { recursive: true });
      writeFileSync(`infra/cdktf.out/stacks/${stack}/cdk.tf.json`, '{}');
      if (failing.includes(stack)) {
        console.error(`│ Error: reading API Gateway REST API for ${stack}: AccessDenied`);
        failed = true;
        continue;
      }
      const out = `infra/plans/${stack}`;
      mkdirSync(out, { recursive: true });
      copyFileSync(join(env.FAKE_FIXTURES, 'rest-api.plan.json'), `${out}/plan.json`);
      const summary = existsSync(join(env.FAKE_FIXTURES, `summary-${stage}.md`)) ? `summary-${stage}.md` : 'summary.md';
      copyFileSync(join(env.FAKE_FIXTURES, summary), `${out}/summary.md`);
      writeFileSync(`${out}/plan.tfplan`, `binary plan of ${stack}`);
      if (env.FAKE_PLAN_TEXT) copyFileSync(join(env.FAKE_FIXTURES, 'rest-api.plan.txt'), `${out}/plan.txt`);
      console.log(`planned ${stack} (lock: ${env.PORTICO_PLAN_LOCK ?? 'true'}, state bucket: '${env.PORTICO_STATE_BUCKET ?? ''}')`);
    }
  }
  process.exit(failed ? 1 : 0);
}

if (env.FAKE_DEPLOY_FAIL) {
  console.error('│ Error: creating API Gateway Deployment: BadRequestException: No integration defined for method');
  process.exit(1);
}
if (!env.STAGE) {
  console.error('fake turbo: STAGE is not set');
  process.exit(64);
}
for (const dir of chosen) {
  const stack = `${apps[dir].name}-${env.STAGE}`;
  mkdirSync(`infra/cdktf.out/stacks/${stack}`, { recursive: true });
  console.log(`${stack}: Apply complete! Resources: 42 added, 0 changed, 0 destroyed. (state bucket: '${env.PORTICO_STATE_BUCKET ?? ''}')`);
}
