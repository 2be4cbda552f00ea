import { createGitHubClient, GitHubApiError } from '../src/github-api';
import { planMarker } from '../src/plan-comment';
import { startFakeGitHub, type FakeGitHub, type FakeRun } from './support/fake-github';

const REPO = 'acme/portico';
const marker = planMarker('users-api-dev');

describe('sticky plan comments over the GitHub REST API (local server)', () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub({ pageSize: 2 });
  });
  afterEach(() => github.close());

  const client = () => createGitHubClient({ apiUrl: `${github.url}/`, token: github.token, repository: REPO });

  it('creates the comment on the first run and edits it on the next, never a second one', async () => {
    // Act
    const first = await client().upsertComment(7, marker, `${marker}\nplan one`);
    const second = await client().upsertComment(7, marker, `${marker}\nplan two`);

    // Assert
    expect(first.action).toBe('created');
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(github.comments.get(`${REPO}#7`)!.map((c) => c.body)).toEqual([`${marker}\nplan two`]);
  });

  it('finds its comment past the first page (Link: rel="next")', async () => {
    for (let i = 0; i < 5; i++) github.seed(REPO, 7, `review comment ${i}`);
    const ours = github.seed(REPO, 7, `${marker}\nold plan`, { login: 'github-actions[bot]', type: 'Bot' });

    const result = await client().upsertComment(7, marker, `${marker}\nnew plan`);

    expect(result).toMatchObject({ action: 'updated', id: ours.id });
    expect(github.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
  });

  it('leaves a comment that only quotes the marker alone, and the other stack\'s comment too', async () => {
    const quote = github.seed(REPO, 7, `> ${marker}\nwhy does dev destroy the stage?`);
    const prod = github.seed(REPO, 7, `${planMarker('users-api-prod')}\nprod plan`, { login: 'github-actions[bot]', type: 'Bot' });

    const result = await client().upsertComment(7, marker, `${marker}\ndev plan`);

    expect(result.action).toBe('created');
    const bodies = new Map(github.comments.get(`${REPO}#7`)!.map((c) => [c.id, c.body]));
    expect(bodies.get(quote.id)).toContain('why does dev');
    expect(bodies.get(prod.id)).toBe(`${planMarker('users-api-prod')}\nprod plan`);
  });

  it('does not write when the body is unchanged', async () => {
    await client().upsertComment(7, marker, `${marker}\nsame`);
    const before = github.requests.length;

    const result = await client().upsertComment(7, marker, `${marker}\nsame`);

    expect(result.action).toBe('unchanged');
    expect(github.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
  });

  it("surfaces GitHub's status and message on an error", async () => {
    const bad = createGitHubClient({ apiUrl: github.url, token: 'wrong', repository: REPO });
    const error = await bad.upsertComment(7, marker, `${marker}\nx`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ status: 401, method: 'GET' });
    expect((error as Error).message).toContain('Bad credentials');
  });

  it('refuses a body that does not start with its marker (it could never be found again)', async () => {
    await expect(client().upsertComment(7, marker, 'no marker')).rejects.toThrow('must start with its marker');
    expect(github.requests).toHaveLength(0);
  });
});

describe('the last successful run of a workflow (local server)', () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub();
  });
  afterEach(() => github.close());

  const client = () => createGitHubClient({ apiUrl: github.url, token: github.token, repository: REPO });
  const run = (id: number, head_sha: string, conclusion: FakeRun['conclusion'], more: Partial<FakeRun> = {}): FakeRun => ({
    id,
    workflow_id: 77,
    head_sha,
    head_branch: 'main',
    event: 'push',
    status: conclusion ? 'completed' : 'in_progress',
    conclusion,
    ...more,
  });

  it("is the newest push to the run's branch that succeeded, skipping failures, other branches, hand runs and other workflows", async () => {
    // Arrange: run 9 is the one asking.
    github.runs.push(
      run(1, 'sha-old', 'success'),
      run(2, 'sha-deployed', 'success'),
      run(3, 'sha-failed', 'failure'),
      run(4, 'sha-cancelled', 'cancelled'),
      run(5, 'sha-by-hand', 'success', { event: 'workflow_dispatch' }),
      run(6, 'sha-branch', 'success', { head_branch: 'release' }),
      run(7, 'sha-ci', 'success', { workflow_id: 12 }),
      run(9, 'sha-now', null),
    );

    // Act
    const last = await client().lastSuccessfulRun(9, 'push');

    // Assert
    expect(last).toMatchObject({ id: 2, head_sha: 'sha-deployed' });
    expect(github.requests.map((r) => r.path)).toEqual([
      '/repos/acme/portico/actions/runs/9',
      '/repos/acme/portico/actions/workflows/77/runs?branch=main&event=push&status=success&per_page=1',
    ]);
  });

  it('is undefined before the workflow ever succeeded', async () => {
    github.runs.push(run(1, 'sha-failed', 'failure'), run(2, 'sha-now', null));

    expect(await client().lastSuccessfulRun(2, 'push')).toBeUndefined();
  });

  it("surfaces GitHub's answer when the run can't be read (a token without actions: read)", async () => {
    await expect(client().lastSuccessfulRun(404, 'push')).rejects.toMatchObject({ status: 404 });
  });
});
