/**
 * Matches a request path (stage prefix already removed) to an API Gateway resource the way REST APIs do: a literal
 * path part beats `{param}`, which beats a greedy `{proxy+}`; a branch that dead-ends falls back to the next choice.
 * Path parameter values stay percent-encoded, exactly as API Gateway hands them to the integration.
 */
import type { MethodDef, ResourceDef, RestApiDef } from './terraform-stack';

export interface RouteMatch {
  resource: ResourceDef;
  method: MethodDef;
  pathParameters: Record<string, string>;
}

interface Node {
  resource: ResourceDef;
  literal: Map<string, Node>;
  param?: { name: string; node: Node };
  greedy?: { name: string; node: Node };
}

/**
 * Builds a matcher for one API's resource tree, once.
 *
 * @example
 * const match = createResourceRouter(api);
 * match('GET', '/users/42'); // { resource: { path: '/users/{id}' }, pathParameters: { id: '42' }, method }
 */
export function createResourceRouter(api: RestApiDef): (httpMethod: string, rawPath: string) => RouteMatch | undefined {
  const nodes = new Map<string, Node>();
  for (const resource of api.resources.values()) nodes.set(resource.id, { resource, literal: new Map() });
  for (const node of nodes.values()) {
    const parent = node.resource.parentId ? nodes.get(node.resource.parentId) : undefined;
    if (!parent) continue;
    const part = node.resource.pathPart;
    const greedy = /^\{(.+)\+\}$/.exec(part);
    const param = /^\{(.+)\}$/.exec(part);
    if (greedy?.[1]) parent.greedy = { name: greedy[1], node };
    else if (param?.[1]) parent.param = { name: param[1], node };
    else parent.literal.set(part, node);
  }
  const root = nodes.get(api.rootResourceId);

  return (httpMethod, rawPath) => {
    if (!root) return undefined;
    const trimmed = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
    const segments = trimmed === '/' || trimmed === '' ? [] : trimmed.slice(1).split('/');
    const params: Record<string, string> = {};
    const found = walk(root, segments, 0, params);
    if (!found) return undefined;
    const method = found.resource.methods.get(httpMethod) ?? found.resource.methods.get('ANY');
    if (!method) return undefined;
    return { resource: found.resource, method, pathParameters: params };
  };
}

function walk(node: Node, segments: string[], index: number, params: Record<string, string>): Node | undefined {
  if (index === segments.length) return node;
  const segment = segments[index]!;
  const literal = node.literal.get(segment) ?? node.literal.get(safeDecode(segment));
  if (literal) {
    const found = walk(literal, segments, index + 1, params);
    if (found) return found;
  }
  if (node.param && segment !== '') {
    params[node.param.name] = segment;
    const found = walk(node.param.node, segments, index + 1, params);
    if (found) return found;
    delete params[node.param.name];
  }
  if (node.greedy) {
    params[node.greedy.name] = segments.slice(index).join('/');
    return node.greedy.node;
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
