/**
 * MOCK integrations: API Gateway evaluates the request template to find `statusCode`, picks the integration response
 * whose selection pattern (a Java regular expression that must match the whole status) matches it, or the default one
 * (without a pattern), and builds the method response from its parameters and template. Templates are VTL, rendered by
 * the small evaluator in `vtl.ts` (enough for CORS preflights that echo an allowed Origin through
 * `$context.responseOverride`).
 */
import { mapParameterValue } from './gateway-responses';
import { javaMatches } from './java-regex';
import { renderMappingTemplate, type TemplateRequest } from './mapping-template';
import type { HttpResult } from './proxy-result';
import type { IntegrationDef } from './terraform-stack';

/**
 * @example
 * runMockIntegration(integration, { contentType: 'application/json', context, request }); // { statusCode: 200, ... }
 */
export function runMockIntegration(
  integration: IntegrationDef,
  input: { contentType: string | undefined; context: Record<string, string>; request: TemplateRequest },
): HttpResult {
  const mediaType = input.contentType?.split(';')[0]?.trim().toLowerCase() ?? 'application/json';
  const template = integration.requestTemplates[mediaType] ?? integration.requestTemplates['application/json'] ?? '';
  const rendered = renderMappingTemplate(template, input.context, input.request).body;
  const status = /"statusCode"\s*:\s*"?(\d{3})"?/.exec(rendered)?.[1] ?? '200';

  const responses = integration.responses;
  const selected =
    responses.find((r) => r.selectionPattern !== undefined && r.selectionPattern !== '' && javaMatches(status, r.selectionPattern)) ??
    responses.find((r) => r.selectionPattern === undefined || r.selectionPattern === '');
  const headers: HttpResult['headers'] = new Map();
  if (!selected) {
    // No integration response configured: API Gateway answers with an empty body and the mocked status.
    headers.set('content-type', { name: 'Content-Type', values: ['application/json'] });
    return { statusCode: Number(status), headers, body: Buffer.alloc(0) };
  }
  const [templateType, responseTemplate] = Object.entries(selected.responseTemplates)[0] ?? ['application/json', ''];
  headers.set('content-type', { name: 'Content-Type', values: [templateType] });
  for (const [key, value] of Object.entries(selected.responseParameters)) {
    const name = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
    if (!name) continue;
    const headerValue = mapParameterValue(value, input.context, input.request.headers);
    if (headerValue !== undefined) headers.set(name.toLowerCase(), { name, values: [headerValue] });
  }
  const output = renderMappingTemplate(responseTemplate, input.context, input.request);
  for (const [name, value] of Object.entries(output.override.headers)) headers.set(name.toLowerCase(), { name, values: [value] });
  return {
    statusCode: output.override.status ?? Number(selected.statusCode),
    headers,
    body: Buffer.from(output.body, 'utf8'),
  };
}
