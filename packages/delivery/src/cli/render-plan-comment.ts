/** Renders one stack's PR comment from its plan files, to stdout or --out: what ci-plan writes as comment.md. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runUrl } from '../actions-env';
import { renderPlanComment } from '../plan-comment';
import { main, parseCli } from './args';

const USAGE = `usage: render-plan-comment --stack NAME --dir infra/plans/NAME [--failed --log FILE] [--out FILE]

Reads summary.md, plan.json and plan.txt (each optional) from --dir and prints the comment body, starting with the
marker <!-- portico-plan:NAME --> that post-plan-comment finds it by.`;

main(async () => {
  const { values } = parseCli(USAGE, {
    stack: { type: 'string' },
    dir: { type: 'string' },
    failed: { type: 'boolean' },
    log: { type: 'string' },
    out: { type: 'string' },
  });
  if (!values.stack || !values.dir) throw new Error(`--stack and --dir are required\n\n${USAGE}`);
  const dir = values.dir;
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : undefined);
  const planJson = read('plan.json');
  const body = renderPlanComment({
    stack: values.stack,
    ok: !values.failed,
    summaryMarkdown: read('summary.md'),
    planJson: planJson ? JSON.parse(planJson) : undefined,
    planText: read('plan.txt'),
    errorLog: values.log ? readFileSync(values.log, 'utf8') : undefined,
    runUrl: runUrl(),
    commitSha: process.env.PLAN_COMMIT_SHA || process.env.GITHUB_SHA,
  });
  if (values.out) writeFileSync(values.out, body);
  else process.stdout.write(body);
});
