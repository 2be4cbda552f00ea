import * as v from 'valibot';
import * as z from 'zod';
import { createApp, defineRoute, json, validate, toPointer } from '../src/index';
import { invoke } from '../src/testing';

const Body = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(5)),
  email: v.optional(v.pipe(v.string(), v.email())),
  age: v.pipe(v.number(), v.integer(), v.minValue(0)),
  tags: v.array(v.string()),
  'a/b~c': v.optional(v.string()),
});

function app() {
  const a = createApp();
  a.handle(defineRoute({ method: 'POST', path: '/users', body: Body }), (req) => json(req.body));
  a.handle(
    defineRoute({ method: 'GET', path: '/search', query: v.object({ q: v.string(), limit: v.optional(v.pipe(v.string(), v.regex(/^\d+$/))) }) }),
    (req) => json(req.query),
  );
  a.handle(
    defineRoute({ method: 'PUT', path: '/both', query: v.object({ dryRun: v.picklist(['yes', 'no']) }), body: v.object({ n: v.number() }) }),
    (req) => json({ query: req.query, body: req.body }),
  );
  return a.lambda();
}

type Problem = { code: string; detail: string; errors: { pointer: string; code: string; message: string; in?: string }[] };

describe('validation', () => {
  it('lists every violation with its JSON pointer in one 400 problem', async () => {
    const res = await invoke(app(), {
      method: 'POST',
      path: '/users',
      json: { name: '', email: 'not-an-email', age: -1.5, tags: ['ok', 7], extra: true, 'a/b~c': 1 },
    });

    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    const problem = res.json<Problem>();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.detail).toBe('The request body is invalid');
    expect([...new Set(problem.errors.map((e) => e.pointer))].sort()).toEqual(
      ['/name', '/email', '/age', '/tags/1', '/extra', '/a~1b~0c'].sort(),
    );
    expect(problem.errors.find((e) => e.pointer === '/name')).toEqual({ pointer: '/name', message: 'must not be empty', code: 'min_length' });
    expect(problem.errors.find((e) => e.pointer === '/email')).toMatchObject({ code: 'email' });
    expect(problem.errors.find((e) => e.pointer === '/tags/1')?.message).toBe('Invalid type: Expected string but received 7');
    expect(problem.errors.find((e) => e.pointer === '/extra')?.message).toContain('"extra"');
  });

  it('says which required fields are missing', async () => {
    const res = await invoke(app(), { method: 'POST', path: '/users', json: {} });

    const problem = res.json<Problem>();
    expect(problem.errors.map((e) => e.pointer)).toEqual(['/name', '/age', '/tags']);
    expect(problem.errors[0]?.message).toContain('"name"');
  });

  it('points at the root for a body of the wrong type', async () => {
    const res = await invoke(app(), { method: 'POST', path: '/users', json: 'text' });

    expect(res.json<Problem>().errors).toEqual([{ pointer: '', message: expect.stringContaining('Expected Object'), code: 'strict_object' }]);
  });

  it('passes the parsed value to the handler', async () => {
    const res = await invoke(app(), { method: 'POST', path: '/users', json: { name: 'Ada', age: 36, tags: [] } });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: 'Ada', age: 36, tags: [] });
  });

  it('validates the query string and marks query violations', async () => {
    const res = await invoke(app(), { path: '/search?limit=ten' });

    expect(res.statusCode).toBe(400);
    const problem = res.json<Problem>();
    expect(problem.detail).toBe('The query string is invalid');
    expect(problem.errors).toEqual([
      { pointer: '/q', message: expect.stringContaining('"q"'), code: 'object', in: 'query' },
      { pointer: '/limit', message: expect.stringContaining('"ten"'), code: 'regex', in: 'query' },
    ]);
  });

  it('reports query and body violations together', async () => {
    const res = await invoke(app(), { method: 'PUT', path: '/both?dryRun=maybe', json: { n: 'x' } });

    const problem = res.json<Problem>();
    expect(problem.detail).toBe('The request is invalid');
    expect(problem.errors.map((e) => [e.in ?? 'body', e.pointer])).toEqual([
      ['query', '/dryRun'],
      ['body', '/n'],
    ]);
  });

  it('hands the handler the validated query', async () => {
    const res = await invoke(app(), { method: 'PUT', path: '/both?dryRun=yes', json: { n: 1 } });

    expect(res.json()).toEqual({ query: { dryRun: 'yes' }, body: { n: 1 } });
  });
});

describe('validate', () => {
  it('keeps custom messages from the schema', async () => {
    const schema = v.object({ limit: v.pipe(v.string(), v.regex(/^\d+$/, 'must be a whole number')) });

    const result = await validate(schema, { limit: 'x' });

    expect(result).toEqual({ ok: false, violations: [{ pointer: '/limit', message: 'must be a whole number', code: 'regex' }] });
  });

  it('returns the parsed (transformed) value', async () => {
    expect(await validate(v.pipe(v.string(), v.trim()), '  ada ')).toEqual({ ok: true, value: 'ada' });
  });

  it('runs schemas with async checks', async () => {
    const schema = v.pipeAsync(v.string(), v.checkAsync(async (value) => value === 'yes', 'must be yes'));

    expect(await validate(schema, 'no')).toMatchObject({ ok: false, violations: [{ message: 'must be yes' }] });
    expect(await validate(schema, 'yes')).toEqual({ ok: true, value: 'yes' });
  });
});

describe('any Standard Schema library: zod 4', () => {
  it('validates with zod schemas and names the failed rule with its issue code', async () => {
    const result = await validate(z.object({ n: z.number().max(3), s: z.string() }), { n: 4 });

    expect(result).toMatchObject({
      ok: false,
      violations: [
        { pointer: '/n', code: 'too_big' },
        { pointer: '/s', code: 'invalid_type' },
      ],
    });
  });

  it('runs zod schemas with async refinements', async () => {
    const schema = z.string().refine(async (value) => value === 'yes', 'must be yes');

    expect(await validate(schema, 'no')).toMatchObject({ ok: false, violations: [{ message: 'must be yes' }] });
    expect(await validate(schema, 'yes')).toEqual({ ok: true, value: 'yes' });
  });

  it('drives a route end to end', async () => {
    const a = createApp();
    a.handle(defineRoute({ method: 'POST', path: '/n', body: z.object({ n: z.number().int() }) }), (req) => json({ twice: req.body.n * 2 }));

    const ok = await invoke(a.lambda(), { method: 'POST', path: '/n', json: { n: 21 } });
    const bad = await invoke(a.lambda(), { method: 'POST', path: '/n', json: { n: 1.5 } });

    expect(ok.json()).toEqual({ twice: 42 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<Problem>().errors[0]).toMatchObject({ pointer: '/n', code: 'invalid_type' });
  });
});

describe('toPointer', () => {
  it('escapes ~ and / per RFC 6901', () => {
    expect(toPointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
    expect(toPointer(['~1'])).toBe('/~01');
  });

  it('is the empty string for the root', () => {
    expect(toPointer([])).toBe('');
  });
});
