/**
 * Renders a gateway-response template the way API Gateway does: simple substitution of `$context.…` variables, no
 * VTL (developerguide api-gateway-swagger-extensions-gateway-responses.responseTemplates.html). A template that
 * uses anything else (a directive, `$util`, `$input`) throws, so one this can't read fails the test.
 */
export function renderGatewayResponse(template: string, context: Readonly<Record<string, string>>): string {
  if (/#(set|if|foreach)\b|\$!?\{?(util|input)\b/.test(template)) throw new Error(`gateway responses get no VTL: ${template}`);
  return template.replace(/\$context\.([A-Za-z0-9_.]+)/g, (whole, name: string) => {
    const value = context[name];
    if (value === undefined) throw new Error(`template uses $context.${name}, which the test did not provide`);
    return value;
  });
}
