import * as z from 'zod/mini';
import * as zc from 'zod';
import { createApp, defineRoute, json, validate, toPointer } from '../src/index';
import { invoke } from '../src/testing';

const Body = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(5)),
  email: z.optional(z.email()),
  age: z.number().check(z.int(), z.minimum(0)),
  tags: z.array(z.string()),
  'a/b~c': z.optional(z.string()),
});

function app() {
  const a = createApp();
  a.handle(defineRoute({ method: 'POST', path: '/users', body: Body }), (req) => json(req.body));
  a.handle(
    defineRoute({ method: 'GET', path: '/search', query: z.object({ q: z.string(), limit: z.optional(z.string().check(z.regex(/^\d+$/))) }) }),
    (req) => json(req.query),
  );
  return a.lambda();
}

describe('validation', () => {
  it('lists every violation with its JSON pointer in one 400 problem', async () => {
    const res = await invoke(app(), {
      method: 'POST',
      path: '/users',
      json: { name: '', email: 'not-an-email', age: -1.5, tags: ['ok', 7], extra: true, 'a/b~c': 1 },
    });

    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    const problem = res.json<{ code: string; errors: { pointer: string; code: string; message: string }[] }>();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual(
      ['/name', '/email', '/age', '/tags/1', '/extra', '/a~1b~0c'].sort(),
    );
    expect(problem.errors.find((e) => e.pointer === '/extra')).toMatchObject({
      code: 'unrecognized_keys',
      message: 'Unknown property "extra"',
    });
    expect(problem.errors.find((e) => e.pointer === '/name')?.message).toBe('Must be at least 1 character long');
    expect(problem.errors.find((e) => e.pointer === '/tags/1')?.message).toBe('Expected string, received number');
  });

  it('says which required fields are missing', async () => {
    const res = await invoke(app(), { method: 'POST', path: '/users', json: {} });

    const problem = res.json<{ errors: { pointer: string; message: string }[] }>();
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/name', message: 'Required: expected string', code: 'invalid_type' },
        { pointer: '/age', message: 'Required: expected number', code: 'invalid_type' },
        { pointer: '/tags', message: 'Required: expected array', code: 'invalid_type' },
      ]),
    );
  });

  it('points at the root for a body of the wrong type', async () => {
    const res = await invoke(app(), { method: 'POST', path: '/users', json: [1, 2] });

    expect(res.json()).toMatchObject({ errors: [{ pointer: '', message: 'Expected object, received array' }] });
  });

  it('passes the parsed value to the handler', async () => {
    const res = await invoke(app(), { method: 'POST', path: '/users', json: { name: 'Ada', age: 36, tags: [] } });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: 'Ada', age: 36, tags: [] });
  });

  it('validates the query string and marks query violations', async () => {
    const res = await invoke(app(), { path: '/search?limit=ten' });

    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: unknown[] }>().errors).toEqual([
      { pointer: '/q', message: 'Required: expected string', code: 'invalid_type', in: 'query' },
      { pointer: '/limit', message: 'Does not match the expected pattern', code: 'invalid_format', in: 'query' },
    ]);
  });

  it('keeps custom messages from the schema', async () => {
    const schema = z.object({ limit: z.string().check(z.regex(/^\d+$/, 'must be a whole number')) });

    const result = await validate(schema, { limit: 'x' });

    expect(result).toEqual({
      ok: false,
      violations: [{ pointer: '/limit', message: 'must be a whole number', code: 'invalid_format' }],
    });
  });

  it('accepts classic zod schemas', async () => {
    const result = await validate(zc.object({ n: zc.number().max(3) }), { n: 4 });

    expect(result).toMatchObject({ ok: false, violations: [{ pointer: '/n', code: 'too_big' }] });
  });

  it('runs schemas with async refinements', async () => {
    const schema = zc.string().refine(async (value) => value === 'yes', 'must be yes');

    expect(await validate(schema, 'no')).toMatchObject({ ok: false, violations: [{ message: 'must be yes' }] });
    expect(await validate(schema, 'yes')).toEqual({ ok: true, value: 'yes' });
  });

  it('reports the closest union branch rather than "no match"', async () => {
    const schema = z.union([z.object({ kind: z.literal('a'), n: z.number() }), z.string()]);

    const result = await validate(schema, { kind: 'a', n: 'x' });

    expect(result).toMatchObject({ ok: false, violations: [{ pointer: '/n' }] });
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
