import { describeRouterContract } from '../../http/test/router.case';
import { createResourceRouter, routeApi } from '../src/resource-router';
import { loadStack, UnsupportedStackError } from '../src/index';
import { buildTestStackJson } from './fixtures/test-stack';

// The same behavioural suite the app's router runs: a path reaches the same route in the function and in the gateway.
describeRouterContract('the gateway resource matcher', () => createResourceRouter<string>());

describe('the gateway resource matcher beyond the contract', () => {
  it('does not answer HEAD with a GET method: API Gateway needs a HEAD or ANY method on the resource', () => {
    const router = createResourceRouter<string>();
    router.add('GET', '/users/{id}', 'get');

    expect(router.match('HEAD', '/users/1')).toEqual({ status: 405, allow: ['GET'] });
  });

  it("refuses a stack whose resource has two variable children, as API Gateway does, naming the method", () => {
    // Arrange: /echo/{id} GET exists; add a sibling /echo/{proxy+}
    const json = buildTestStackJson() as Record<string, any>;
    json.resource.aws_api_gateway_resource.echo_proxy = { ...json.resource.aws_api_gateway_resource.echo_id, path_part: '{proxy+}' };
    json.resource.aws_api_gateway_method.echo_proxy_any = {
      ...json.resource.aws_api_gateway_method.echo_id_get,
      resource_id: '${aws_api_gateway_resource.echo_proxy.id}',
      http_method: 'ANY',
    };
    const [api] = loadStack(json, { dir: '/stacks/test' }).apis;
    // Act / Assert
    expect(() => routeApi(api!)).toThrow(UnsupportedStackError);
    expect(() => routeApi(api!)).toThrow(/aws_api_gateway_method\.echo_(id_get|proxy_any): .*one variable per level/);
  });
});
