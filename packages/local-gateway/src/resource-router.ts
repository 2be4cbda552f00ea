/**
 * The gateway's resource matcher: `@portico/http`'s router contract (test/router.case.ts runs against it and against
 * the app's router), implemented as API Gateway's resource tree. Each level holds its literal children, at most one
 * `{param}` and at most one `{proxy+}`; a request walks it literal first, then `{param}`, then `{proxy+}`, and a
 * branch that dead-ends or lacks the method falls back to the next choice. Hand-written: choosing the resource is the
 * emulator's core, and a tree keeps the walk to one lookup per segment on the gateway's only thread.
 */
import { compilePath, HTTP_METHODS, type RouteMatch, type Router } from '@portico/http';
import { UnsupportedStackError } from './errors';
import type { MethodDef, ResourceDef, RestApiDef } from './terraform-stack';

interface Node<T> {
  literal: Map<string, Node<T>>;
  param?: { name: string; node: Node<T> };
  greedy?: { name: string; node: Node<T> };
  /** The route ending here and its values per method. */
  route?: string;
  methods?: Map<string, T>;
}

/** Where the walk ended: the node, and the raw value of each parameter on the way (name, value pairs). */
interface Found<T> {
  node: Node<T>;
  value: T;
}

/**
 * A router over API Gateway resource paths.
 *
 * @example
 * const router = createResourceRouter<string>();
 * router.add('GET', '/orders/{id}', 'getOrder');
 * router.match('GET', '/orders/a%20b'); // { status: 200, value: 'getOrder', route: '/orders/{id}', params: { id: 'a b' }, rawParams: { id: 'a%20b' } }
 */
export function createResourceRouter<T>(): Router<T> {
  const root: Node<T> = { literal: new Map() };

  const add = (method: string, path: string, value: T): void => {
    const verb = String(method).toUpperCase();
    const fail = (why: string) => new TypeError(`Route "${verb} ${path}" ${why}`);
    if (!(HTTP_METHODS as readonly string[]).includes(verb)) throw fail(`has an unknown method: use one of ${HTTP_METHODS.join(', ')}`);
    const { route, segments } = compilePath(path);
    let node = root;
    for (const segment of segments) {
      if (segment.name === undefined) {
        let next = node.literal.get(segment.value);
        if (!next) node.literal.set(segment.value, (next = { literal: new Map() }));
        node = next;
        continue;
      }
      // API Gateway allows one variable path part per level, greedy or not.
      const existing = node.param ?? node.greedy;
      if (existing && (existing.name !== segment.name || (node.greedy !== undefined) !== (segment.greedy === true))) {
        throw fail(`calls a parameter "{${segment.name}}" where another route calls it "{${existing.name}}": use one name per position (API Gateway allows one variable per level)`);
      }
      if (!existing) {
        const child = { name: segment.name, node: { literal: new Map() } as Node<T> };
        if (segment.greedy) node.greedy = child;
        else node.param = child;
      }
      node = (node.param ?? node.greedy)!.node;
    }
    node.route = route;
    node.methods ??= new Map();
    if (node.methods.has(verb)) throw fail('is already registered: remove or rename one of the two');
    node.methods.set(verb, value);
  };

  const match = (method: string, path: string): RouteMatch<T> => {
    const clean = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const parts = clean === '/' || clean === '' ? [] : clean.slice(1).split('/');
    // Parameter values on the current branch, by depth: a name and its raw value per parameter segment.
    const names: string[] = [];
    const values: string[] = [];
    const allow: string[] = [];

    const walk = (node: Node<T>, index: number): Found<T> | undefined => {
      if (index === parts.length) {
        const methods = node.methods;
        if (!methods) return undefined;
        const value = methods.get(method) ?? methods.get('ANY');
        if (value === undefined) for (const known of methods.keys()) if (!allow.includes(known)) allow.push(known);
        return value === undefined ? undefined : { node, value };
      }
      const part = parts[index]!;
      const literal = node.literal.get(part) ?? (part.includes('%') ? node.literal.get(decodeLiteral(part)) : undefined);
      if (literal) {
        const found = walk(literal, index + 1);
        if (found) return found;
      }
      if (node.param && part !== '') {
        names.push(node.param.name);
        values.push(part);
        const found = walk(node.param.node, index + 1);
        if (found) return found;
        names.pop();
        values.pop();
      }
      if (node.greedy) {
        const end = walk(node.greedy.node, parts.length);
        if (end) {
          names.push(node.greedy.name);
          values.push(parts.slice(index).join('/'));
          return end;
        }
      }
      return undefined;
    };

    const found = walk(root, 0);
    if (!found) return allow.length ? { status: 405, allow } : { status: 404 };
    const params = Object.create(null) as Record<string, string>;
    const rawParams = Object.create(null) as Record<string, string>;
    let malformed: string | undefined;
    for (let i = 0; i < names.length; i++) {
      const raw = values[i]!;
      rawParams[names[i]!] = raw;
      if (!raw.includes('%')) params[names[i]!] = raw;
      else {
        try {
          params[names[i]!] = decodeURIComponent(raw);
        } catch {
          malformed ??= names[i];
        }
      }
    }
    const route = found.node.route!;
    if (malformed !== undefined) {
      return { status: 400, reason: `Path parameter "${malformed}" has a malformed percent-escape`, value: found.value, route, rawParams };
    }
    return { status: 200, value: found.value, route, params, rawParams };
  };

  return { add, match };
}

/** A segment as a literal compares it (`%6F` is `o`); a malformed escape can equal no literal, so it stays as sent. */
function decodeLiteral(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** What a route of the gateway leads to. */
export interface ResourceMethod {
  resource: ResourceDef;
  method: MethodDef;
}

/**
 * The router for one API's resources and methods, built once; a resource tree API Gateway would refuse is refused
 * here too, naming the method.
 *
 * @example
 * const router = routeApi(api);
 * router.match('GET', '/orders/42'); // { status: 200, value: { resource, method }, rawParams: { id: '42' }, … }
 */
export function routeApi(api: RestApiDef): Router<ResourceMethod> {
  const router = createResourceRouter<ResourceMethod>();
  for (const resource of api.resources.values()) {
    for (const method of resource.methods.values()) {
      try {
        router.add(method.httpMethod, resource.path, { resource, method });
      } catch (error) {
        throw new UnsupportedStackError(method.address, (error as Error).message);
      }
    }
  }
  return router;
}
