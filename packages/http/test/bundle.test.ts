import { APP, bundleApp } from './support/bundle-app';

describe('Lambda bundle', () => {
  it('leaves JSON Schema generation, OpenAPI and the test helpers out of a handler bundle', async () => {
    const code = await bundleApp(APP);

    expect(code).toContain('application/problem+json');
    expect(code).not.toContain('draft-04');
    expect(code).not.toMatch(/JSONSchemaGenerator|openapi|x-amazon-apigateway/);
    expect(code).not.toContain('execute-api');
  });

  it('pulls JSON Schema generation in only when the handler calls toGatewayModel', async () => {
    const code = await bundleApp(`${APP}\nimport { toGatewayModel } from './src/index';\nexport const model = toGatewayModel(v.string());`);

    expect(code).toContain('draft-04');
  });

  it('never touches the global fetch classes (Request, Response, Headers) on the Lambda path', async () => {
    const code = await bundleApp(APP);

    expect(code).not.toMatch(/\bnew (Request|Response|Headers)\(/);
  });
});
