import { createRouter } from '../src/router/pattern-router';
import { describeRouterContract } from './router.case';

describeRouterContract('PatternRouter', () => createRouter<string>());

/**
 * Beyond the contract: what the app's router does for a function invoked directly or behind an `ANY` method. Behind
 * API Gateway a method the resource does not declare never reaches the function: the client gets 403 Missing
 * Authentication Token from the gateway instead.
 */
describe('PatternRouter conveniences beyond API Gateway', () => {
  it('falls back from HEAD to GET', () => {
    const router = createRouter<string>();
    router.add('GET', '/users/{id}', 'get');

    expect(router.match('HEAD', '/users/1')).toMatchObject({ status: 200, value: 'get' });
  });

  it('lists HEAD among the allowed methods of a path that has GET', () => {
    const router = createRouter<string>();
    router.add('GET', '/users/{id}', 'get');
    router.add('DELETE', '/users/{id}', 'delete');

    const match = router.match('PUT', '/users/1');

    expect(match.status === 405 && [...match.allow].sort()).toEqual(['DELETE', 'GET', 'HEAD']);
  });
});
