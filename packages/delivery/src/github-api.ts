/**
 * The two things the workflows ask of the GitHub REST API, with nothing but `fetch`: sticky PR comments (find our
 * comment by its marker line and edit it, or create it the first time), and the commit a workflow last succeeded on
 * (what a deploy compares with to find what changed). The API root comes from `GITHUB_API_URL` (set by GitHub Actions, and
 * different on GitHub Enterprise Server), which is also how the tests point it at a local server.
 */

export interface GitHubClientOptions {
  /** e.g. `https://api.github.com`; GitHub Actions sets it as `GITHUB_API_URL`. */
  apiUrl: string;
  token: string;
  /** `owner/name`, as in `GITHUB_REPOSITORY`. */
  repository: string;
  fetch?: typeof fetch;
}

export interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

export interface UpsertResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url?: string;
}

/** A non-2xx answer from the API, with the status and GitHub's own message kept for the log. */
export class GitHubApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly responseBody: string,
  ) {
    super(`GitHub API ${method} ${url} answered ${status}: ${responseBody.slice(0, 500)}`);
    this.name = 'GitHubApiError';
  }
}

/**
 * @example
 * const gh = createGitHubClient({ apiUrl: process.env.GITHUB_API_URL!, token, repository: 'acme/portico' });
 * await gh.upsertComment(42, '<!-- portico-plan:orders-api-dev -->', body);
 * const base = (await gh.lastSuccessfulRun(process.env.GITHUB_RUN_ID!, 'push'))?.head_sha;
 */
export function createGitHubClient(options: GitHubClientOptions) {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  if (!/^[^/\s]+\/[^/\s]+$/.test(options.repository)) {
    throw new Error(`Repository must be "owner/name", got ${JSON.stringify(options.repository)}`);
  }
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${options.token}`,
    'x-github-api-version': '2022-11-28',
    'user-agent': 'portico-delivery',
  };

  async function request(method: string, url: string, body?: unknown): Promise<Response> {
    const res = await doFetch(url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new GitHubApiError(res.status, method, url, await res.text());
    return res;
  }

  /** Every comment of an issue or PR, following the `Link: rel="next"` pages. */
  async function listComments(issueNumber: number): Promise<IssueComment[]> {
    const comments: IssueComment[] = [];
    let url: string | undefined = `${apiUrl}/repos/${options.repository}/issues/${issueNumber}/comments?per_page=100`;
    while (url) {
      const res = await request('GET', url);
      comments.push(...((await res.json()) as IssueComment[]));
      url = nextPage(res.headers.get('link'));
    }
    return comments;
  }

  /**
   * Edits the comment whose body starts with `marker` (the newest, if a race ever made two), or creates one.
   * Matching on the first line rather than anywhere keeps a human reply that quotes the marker from being taken.
   */
  async function upsertComment(issueNumber: number, marker: string, body: string): Promise<UpsertResult> {
    if (!body.startsWith(marker)) throw new Error(`The comment body must start with its marker ${marker}`);
    const ours = (await listComments(issueNumber)).filter((c) => (c.body ?? '').startsWith(marker));
    const existing = ours.at(-1);
    if (existing && existing.body === body) return { action: 'unchanged', id: existing.id, url: existing.html_url };
    if (existing) {
      const res = await request('PATCH', `${apiUrl}/repos/${options.repository}/issues/comments/${existing.id}`, { body });
      const updated = (await res.json()) as IssueComment;
      return { action: 'updated', id: updated.id, url: updated.html_url };
    }
    const res = await request('POST', `${apiUrl}/repos/${options.repository}/issues/${issueNumber}/comments`, { body });
    const created = (await res.json()) as IssueComment;
    return { action: 'created', id: created.id, url: created.html_url };
  }

  /**
   * The newest successful run, triggered by `event`, of the workflow that run `runId` belongs to, on the same branch:
   * for a deploy workflow, the commit every stage was last deployed from. Undefined when there is none yet.
   */
  async function lastSuccessfulRun(runId: number | string, event: string): Promise<WorkflowRun | undefined> {
    const current = (await (await request('GET', `${apiUrl}/repos/${options.repository}/actions/runs/${runId}`)).json()) as WorkflowRun;
    const query = new URLSearchParams({ branch: current.head_branch ?? '', event, status: 'success', per_page: '1' });
    const url = `${apiUrl}/repos/${options.repository}/actions/workflows/${current.workflow_id}/runs?${query}`;
    const { workflow_runs: runs } = (await (await request('GET', url)).json()) as { workflow_runs?: WorkflowRun[] };
    return runs?.[0];
  }

  return { listComments, upsertComment, lastSuccessfulRun };
}

/** The fields of a workflow run this package reads. */
export interface WorkflowRun {
  id: number;
  workflow_id: number;
  head_sha: string;
  head_branch?: string | null;
  event?: string;
  conclusion?: string | null;
  html_url?: string;
}

export type GitHubClient = ReturnType<typeof createGitHubClient>;

function nextPage(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}
