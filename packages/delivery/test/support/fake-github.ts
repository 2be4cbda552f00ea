/**
 * A real HTTP server on loopback that answers the issue-comment endpoints of the GitHub REST API the way GitHub does
 * (auth, pagination with `Link`, 404s, 422 on an over-long body), and the two workflow-run reads a deploy makes (a run
 * by id; a workflow's runs filtered by branch, event and status, newest first), so the clients are tested over the wire.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
}

export interface FakeRun {
  id: number;
  workflow_id: number;
  head_sha: string;
  head_branch: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
}

export interface FakeGitHub {
  url: string;
  token: string;
  /** Comments per `owner/repo#number`. */
  comments: Map<string, FakeComment[]>;
  /** Workflow runs of every repository, in the order they started. */
  runs: FakeRun[];
  requests: Array<{ method: string; path: string }>;
  seed(repo: string, issue: number, body: string, user?: FakeComment['user']): FakeComment;
  close(): Promise<void>;
}

const COMMENT_LIMIT = 65_536;

export async function startFakeGitHub(options: { token?: string; pageSize?: number } = {}): Promise<FakeGitHub> {
  const token = options.token ?? 'test-token';
  const comments = new Map<string, FakeComment[]>();
  const requests: FakeGitHub['requests'] = [];
  const runs: FakeRun[] = [];
  let nextId = 1000;
  let base = '';

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { message: 'Bad credentials' });

    const run = /^\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)$/.exec(url.pathname);
    if (run && req.method === 'GET') {
      const found = runs.find((r) => r.id === Number(run[1]));
      return found ? send(200, { ...found, html_url: `https://github.example/runs/${found.id}` }) : send(404, { message: 'Not Found' });
    }
    const workflowRuns = /^\/repos\/[^/]+\/[^/]+\/actions\/workflows\/(\d+)\/runs$/.exec(url.pathname);
    if (workflowRuns && req.method === 'GET') {
      const q = url.searchParams;
      // GitHub's `status` filter takes a status or a conclusion.
      const matches = runs
        .filter((r) => r.workflow_id === Number(workflowRuns[1]))
        .filter((r) => !q.get('branch') || r.head_branch === q.get('branch'))
        .filter((r) => !q.get('event') || r.event === q.get('event'))
        .filter((r) => !q.get('status') || r.status === q.get('status') || r.conclusion === q.get('status'))
        .reverse();
      const perPage = Number(q.get('per_page') ?? 30);
      return send(200, { total_count: matches.length, workflow_runs: matches.slice(0, perPage).map((r) => ({ ...r, html_url: `https://github.example/runs/${r.id}` })) });
    }

    const list = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const one = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && req.method === 'GET') {
      const all = comments.get(`${list[1]}#${list[2]}`) ?? [];
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), options.pageSize ?? 100);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      return send(200, slice, headers);
    }
    if (list && req.method === 'POST') {
      const body = await readJson(req);
      if (typeof body.body !== 'string') return send(422, { message: 'Validation Failed' });
      if (body.body.length > COMMENT_LIMIT) return send(422, { message: 'Body is too long (maximum is 65536 characters)' });
      const key = `${list[1]}#${list[2]}`;
      const comment = makeComment(list[1]!, Number(list[2]), body.body, { login: 'github-actions[bot]', type: 'Bot' });
      comments.set(key, [...(comments.get(key) ?? []), comment]);
      return send(201, comment);
    }
    if (one && req.method === 'PATCH') {
      const body = await readJson(req);
      const comment = [...comments.values()].flat().find((c) => c.id === Number(one[2]));
      if (!comment) return send(404, { message: 'Not Found' });
      if (typeof body.body !== 'string') return send(422, { message: 'Validation Failed' });
      if (body.body.length > COMMENT_LIMIT) return send(422, { message: 'Body is too long (maximum is 65536 characters)' });
      comment.body = body.body;
      return send(200, comment);
    }
    return send(404, { message: 'Not Found' });
  });

  function makeComment(repo: string, issue: number, body: string, user: FakeComment['user']): FakeComment {
    const id = nextId++;
    return { id, body, user, html_url: `https://github.example/${repo}/pull/${issue}#issuecomment-${id}` };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    token,
    comments,
    runs,
    requests,
    seed(repo, issue, body, user = { login: 'someone', type: 'User' }) {
      const key = `${repo}#${issue}`;
      const comment = makeComment(repo, issue, body, user);
      comments.set(key, [...(comments.get(key) ?? []), comment]);
      return comment;
    },
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
