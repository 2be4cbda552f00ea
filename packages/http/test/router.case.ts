/**
 * Behaviour every router implementation must share: `createRouter` (test/router.test.ts) and the local gateway's
 * resource matcher (packages/local-gateway/test/resource-router.test.ts) both run it, so a path reaches the same
 * route in a function and in the gateway in front of it. The rules are API Gateway's resource selection. Not a test
 * file itself (no `.test.ts`), so jest only runs it through those files.
 */
import type { Router } from '../src/router/types';

export function describeRouterContract(name: string, createRouter: () => Router<string>): void {
  describe(`${name}: router contract`, () => {
    let router: Router<string>;
    beforeEach(() => {
      router = createRouter();
    });

    it('matches a static route by method and path', () => {
      router.add('GET', '/hello', 'hello');

      const match = router.match('GET', '/hello');

      expect(match).toEqual({ status: 200, value: 'hello', route: '/hello', params: {}, rawParams: {} });
    });

    it('matches the root path', () => {
      router.add('GET', '/', 'root');

      expect(router.match('GET', '/')).toMatchObject({ status: 200, value: 'root' });
    });

    it('ignores one trailing slash on the request path', () => {
      router.add('GET', '/users', 'list');

      expect(router.match('GET', '/users/')).toMatchObject({ status: 200, value: 'list' });
    });

    it('captures a {param} segment', () => {
      router.add('GET', '/users/{id}', 'get');

      expect(router.match('GET', '/users/42')).toEqual({
        status: 200,
        value: 'get',
        route: '/users/{id}',
        params: { id: '42' },
        rawParams: { id: '42' },
      });
    });

    it('captures several params', () => {
      router.add('GET', '/orgs/{org}/users/{user}', 'member');

      expect(router.match('GET', '/orgs/acme/users/7')).toMatchObject({ params: { org: 'acme', user: '7' } });
    });

    it('decodes percent-encoded params, including an encoded slash that stays inside the segment', () => {
      router.add('GET', '/users/{id}', 'get');

      expect(router.match('GET', '/users/J%C3%BCrgen%20K')).toMatchObject({ params: { id: 'Jürgen K' } });
      expect(router.match('GET', '/users/a%2Fb')).toMatchObject({ params: { id: 'a/b' } });
    });

    it("keeps each param as sent in rawParams, API Gateway's pathParameters", () => {
      router.add('GET', '/users/{id}', 'get');
      router.add('GET', '/files/{proxy+}', 'file');

      expect(router.match('GET', '/users/a%2Fb%20c')).toMatchObject({ rawParams: { id: 'a%2Fb%20c' } });
      expect(router.match('GET', '/files/a/b%2Fc/d')).toMatchObject({ rawParams: { proxy: 'a/b%2Fc/d' } });
    });

    it('answers 400, not a throw, for a malformed percent-escape in a param, with the route and the raw value', () => {
      router.add('GET', '/users/{id}', 'get');

      const match = router.match('GET', '/users/%E0%A4%A');

      expect(match).toMatchObject({ status: 400, value: 'get', route: '/users/{id}', rawParams: { id: '%E0%A4%A' } });
    });

    it('matches a literal segment by meaning: an escaped unreserved character is the character', () => {
      router.add('GET', '/hello', 'hello');
      router.add('GET', '/users/me', 'me');
      router.add('GET', '/users/{id}', 'by-id');

      expect(router.match('GET', '/hell%6F')).toMatchObject({ status: 200, value: 'hello', route: '/hello' });
      expect(router.match('GET', '/users/m%65')).toMatchObject({ status: 200, value: 'me', route: '/users/me' });
      expect(router.match('GET', '/users/%6De/')).toMatchObject({ status: 200, value: 'me' });
    });

    it('splits on a raw "/" only: an encoded slash never separates literal segments', () => {
      router.add('GET', '/a/b', 'ab');
      router.add('GET', '/{x}', 'one');

      expect(router.match('GET', '/a%2Fb')).toMatchObject({ status: 200, value: 'one', rawParams: { x: 'a%2Fb' } });
    });

    it('keeps a malformed escape in a literal position as sent, matching no literal', () => {
      router.add('GET', '/hello', 'hello');
      router.add('GET', '/{x}', 'param');

      expect(router.match('GET', '/hell%6')).toMatchObject({ status: 400, value: 'param', rawParams: { x: 'hell%6' } });
    });

    it('gives parameters that share a name with an Object.prototype member their own value', () => {
      router.add('GET', '/users/{id}', 'get');

      const match = router.match('GET', '/users/constructor');

      expect(match).toMatchObject({ status: 200, params: { id: 'constructor' } });
      expect(match.status === 200 && Object.getPrototypeOf(match.params)).toBeNull();
      expect(match.status === 200 && Object.getPrototypeOf(match.rawParams)).toBeNull();
    });

    it('does not match an empty param segment', () => {
      router.add('GET', '/users/{id}', 'get');

      expect(router.match('GET', '/users//')).toEqual({ status: 404 });
    });

    it('captures the rest of the path with a greedy {proxy+}', () => {
      router.add('GET', '/files/{proxy+}', 'file');

      expect(router.match('GET', '/files/a/b/c.txt')).toMatchObject({ params: { proxy: 'a/b/c.txt' } });
    });

    it('requires at least one segment for {proxy+}', () => {
      router.add('GET', '/files/{proxy+}', 'file');

      expect(router.match('GET', '/files')).toEqual({ status: 404 });
    });

    it('prefers a static segment over {param} over {proxy+}, whatever the registration order', () => {
      router.add('GET', '/{proxy+}', 'catch-all');
      router.add('GET', '/users/{id}', 'by-id');
      router.add('GET', '/users/me', 'me');

      expect(router.match('GET', '/users/me')).toMatchObject({ value: 'me' });
      expect(router.match('GET', '/users/42')).toMatchObject({ value: 'by-id' });
      expect(router.match('GET', '/users/42/posts')).toMatchObject({ value: 'catch-all' });
    });

    it('compares specificity from the left', () => {
      router.add('GET', '/{a}/static', 'param-first');
      router.add('GET', '/static/{b}', 'static-first');

      expect(router.match('GET', '/static/static')).toMatchObject({ value: 'static-first' });
    });

    it('lets ANY answer every method', () => {
      router.add('ANY', '/proxy/{proxy+}', 'any');

      expect(router.match('PATCH', '/proxy/x')).toMatchObject({ value: 'any' });
      expect(router.match('DELETE', '/proxy/x')).toMatchObject({ value: 'any' });
    });

    it('prefers an exact method over ANY on the same path', () => {
      router.add('ANY', '/items', 'any');
      router.add('POST', '/items', 'post');

      expect(router.match('POST', '/items')).toMatchObject({ value: 'post' });
      expect(router.match('GET', '/items')).toMatchObject({ value: 'any' });
    });

    it('answers 405 with the methods the path has when it exists but not for this method', () => {
      router.add('POST', '/users/{id}', 'post');
      router.add('DELETE', '/users/{id}', 'delete');

      const match = router.match('PUT', '/users/1');

      expect(match.status).toBe(405);
      expect(match.status === 405 && [...match.allow].sort()).toEqual(['DELETE', 'POST']);
    });

    it('answers 405 for a static path too', () => {
      router.add('POST', '/users', 'create');

      expect(router.match('GET', '/users')).toEqual({ status: 405, allow: ['POST'] });
    });

    it('gives the same 405 answer on repeated calls (no state leaks between requests)', () => {
      router.add('POST', '/users', 'create');

      const first = router.match('PUT', '/users');
      const second = router.match('PUT', '/users');

      expect(second).toEqual(first);
      expect(first).toEqual({ status: 405, allow: ['POST'] });
    });

    it('answers 404 when no path matches', () => {
      router.add('GET', '/users', 'list');

      expect(router.match('GET', '/nope')).toEqual({ status: 404 });
    });

    it('matches another, less specific route when the best one lacks the method', () => {
      router.add('GET', '/users/me', 'me');
      router.add('DELETE', '/users/{id}', 'delete');

      expect(router.match('DELETE', '/users/me')).toMatchObject({ value: 'delete', params: { id: 'me' } });
    });

    it.each([
      ['users', 'must start with "/"'],
      ['/users/{id', 'bad braces'],
      ['/users/id}', 'bad braces'],
      ['/users/x{id}', 'bad braces'],
      ['/files/{path+}/meta', 'greedy parameter must be last'],
      ['/a//b', 'empty segment'],
      ['//', 'empty segment'],
      ['/a/{}', 'invalid parameter name'],
      ['/a/{x}/{x}', 'twice'],
    ])('refuses the path %s at registration (%s)', (path, message) => {
      expect(() => router.add('GET', path, 'x')).toThrow(message);
    });

    it('refuses an unknown method', () => {
      expect(() => router.add('FETCH', '/x', 'x')).toThrow('unknown method');
    });

    it('refuses a duplicate route with the route in the message', () => {
      router.add('GET', '/users/{id}', 'first');

      expect(() => router.add('GET', '/users/{id}', 'second')).toThrow('Route "GET /users/{id}" is already registered');
    });

    it('refuses a duplicate static route', () => {
      router.add('GET', '/hello', 'first');

      expect(() => router.add('GET', '/hello', 'second')).toThrow('Route "GET /hello" is already registered');
    });

    it('refuses two names for the parameter at the same position', () => {
      router.add('GET', '/users/{id}', 'get');

      expect(() => router.add('GET', '/users/{userId}/posts', 'posts')).toThrow('use one name per position');
    });

    it('accepts the same parameter name reused at the same position', () => {
      router.add('GET', '/users/{id}', 'get');
      router.add('GET', '/users/{id}/posts', 'posts');

      expect(router.match('GET', '/users/7/posts')).toMatchObject({ value: 'posts', params: { id: '7' } });
    });
  });
}
