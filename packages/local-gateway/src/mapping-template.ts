/**
 * The variables a mapping template sees: `$context`, `$input`, `$stageVariables`, `$util`. Built from the flat
 * `requestId`/`error.message`/`stageVariables.x` map the gateway keeps per request.
 */
import { renderVtl, VTL_UTIL, vtlHost, type VtlScope } from './vtl';

export interface TemplateRequest {
  headers: Record<string, string>;
  query: Record<string, string>;
  path: Record<string, string>;
  body: string;
}

/**
 * Renders a mapping template; returns the text and any `$context.responseOverride` the template set.
 *
 * @example
 * renderMappingTemplate('{"id":"$context.requestId"}', { requestId: 'r-1' }).body; // '{"id":"r-1"}'
 */
export function renderMappingTemplate(
  template: string,
  vars: Record<string, string>,
  request?: TemplateRequest,
): { body: string; override: { status?: number; headers: Record<string, string> } } {
  const scope = templateScope(vars, request);
  const body = renderVtl(template, scope);
  const override = asRecord((scope.context as Record<string, unknown>).responseOverride);
  const headers = Object.fromEntries(Object.entries(asRecord(override.header)).map(([k, v]) => [k, String(v)]));
  const status = override.status === undefined ? undefined : Number(override.status);
  return { body, override: { status: Number.isInteger(status) ? status : undefined, headers } };
}

function templateScope(vars: Record<string, string>, request?: TemplateRequest): VtlScope {
  // Null-prototype records: names come from stage variables and the request, and a template may #set into them.
  const context = nullRecord<unknown>();
  context.responseOverride = Object.assign(nullRecord<unknown>(), { header: nullRecord<unknown>() });
  const stageVariables = nullRecord<string>();
  for (const [key, value] of Object.entries(vars)) {
    if (key.startsWith('stageVariables.')) {
      stageVariables[key.slice('stageVariables.'.length)] = value;
      continue;
    }
    const parts = key.split('.');
    let target = context;
    for (const part of parts.slice(0, -1)) {
      if (typeof target[part] !== 'object' || target[part] === null) target[part] = nullRecord<unknown>();
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1]!] = value;
  }
  const req = request ?? { headers: {}, query: {}, path: {}, body: '' };
  const maps = { path: new Map(Object.entries(req.path)), querystring: new Map(Object.entries(req.query)), header: new Map(Object.entries(req.headers)) };
  const input = vtlHost({
    body: req.body,
    params: (name?: unknown) => {
      if (name === undefined) return maps;
      const key = String(name);
      return maps.path.get(key) ?? maps.querystring.get(key) ?? maps.header.get(key) ?? '';
    },
    json: (path?: unknown) => (path === undefined || path === '$' ? req.body || '{}' : JSON.stringify(jsonPath(req.body, String(path)) ?? null)),
    path: (path?: unknown) => jsonPath(req.body, String(path ?? '$')),
  });
  return { context, input, stageVariables, util: VTL_UTIL };
}

function jsonPath(body: string, path: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(body || 'null');
  } catch {
    return undefined;
  }
  for (const part of path.replace(/^\$\.?/, '').split('.').filter(Boolean)) {
    value = value && typeof value === 'object' && Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

function nullRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** What a template left where a map belongs: the map, or an empty one if it #set something else there. */
function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Map) ? (value as Record<string, unknown>) : {};
}
