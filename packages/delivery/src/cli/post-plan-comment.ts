/** Posts or updates one sticky PR comment per rendered plan (each comment.md under --dir, or each --file). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pullRequestNumber } from '../actions-env';
import { createGitHubClient } from '../github-comments';
import { planMarker, stackOfComment } from '../plan-comment';
import { main, parseCli } from './args';

const USAGE = `usage: post-plan-comment [--dir infra/plans] [--file comment.md]...

Each body must start with its <!-- portico-plan:STACK --> marker; the PR comment starting with the same marker is
edited, or a new one is created.
Environment: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), PR_NUMBER (or GITHUB_EVENT_PATH of a pull_request event),
GITHUB_API_URL (default https://api.github.com).`;

main(async () => {
  const { values } = parseCli(USAGE, { dir: { type: 'string' }, file: { type: 'string', multiple: true } });
  const files = [...(values.file ?? [])];
  if (values.dir) {
    if (!existsSync(values.dir)) throw new Error(`${values.dir} does not exist: did the plan step run?`);
    for (const entry of readdirSync(values.dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = join(values.dir, entry.name, 'comment.md');
      if (entry.isDirectory() && existsSync(file)) files.push(file);
    }
  }
  if (files.length === 0) throw new Error(`no comment to post (looked in ${values.dir ?? 'no --dir'}): did the plan step run?`);

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
