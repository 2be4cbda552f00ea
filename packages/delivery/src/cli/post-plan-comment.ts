/** Posts or updates one sticky PR comment per planned stack (those ci-plan listed in --dir, or each --file). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pullRequestNumber } from '../actions-env';
import { PLANNED_FILE, type PlannedStacks } from '../ci-plan';
import { createGitHubClient } from '../github-api';
import { planMarker, stackOfComment } from '../plan-comment';
import { main, parseCli } from './args';

const USAGE = `usage: post-plan-comment [--dir infra/plans] [--file comment.md]...

--dir posts the comment of each stack the last ci-plan planned (<dir>/planned.json lists them; none when the change
affected no API), never one left from an earlier run. Each body must start with its <!-- portico-plan:STACK -->
marker; the PR comment starting with the same marker is edited, or a new one is created.
Environment: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), PR_NUMBER (or GITHUB_EVENT_PATH of a pull_request event),
GITHUB_API_URL (default https://api.github.com).`;

main(async () => {
  const { values } = parseCli(USAGE, { dir: { type: 'string' }, file: { type: 'string', multiple: true } });
  const files = [...(values.file ?? [])];
  if (values.dir) {
    const listed = join(values.dir, PLANNED_FILE);
    if (!existsSync(listed)) throw new Error(`${listed} does not exist: did the plan step run?`);
    const { stacks } = JSON.parse(readFileSync(listed, 'utf8')) as PlannedStacks;
    for (const stack of stacks) {
      const file = join(values.dir, stack, 'comment.md');
      if (!existsSync(file)) throw new Error(`${stack} was planned but has no ${file}: did the plan step finish?`);
      files.push(file);
    }
    if (stacks.length === 0 && files.length === 0) {
      console.log('no stack was planned (the change affects no API): no comment to post');
      return;
    }
  }
  if (files.length === 0) throw new Error(`no comment to post: give --dir or --file\n\n${USAGE}`);

  const env = process.env;
  const token = env.GITHUB_TOKEN;
  const repository = env.GITHUB_REPOSITORY;
  const pr = pullRequestNumber(env);
  if (!token || !repository || !pr) throw new Error(`GITHUB_TOKEN, GITHUB_REPOSITORY and PR_NUMBER are required\n\n${USAGE}`);
  const github = createGitHubClient({ apiUrl: env.GITHUB_API_URL || 'https://api.github.com', token, repository });

  for (const file of files) {
    const body = readFileSync(file, 'utf8');
    const stack = stackOfComment(body);
    if (!stack) throw new Error(`${file} does not start with a portico-plan marker`);
    const result = await github.upsertComment(pr, planMarker(stack), body);
    console.log(`${result.action} the ${stack} plan comment on #${pr}${result.url ? `: ${result.url}` : ''}`);
  }
});
