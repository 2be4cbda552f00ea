// Runs the handler with the test helpers and reads the stack with the gateway's library, printing what happened as
// JSON for the test to assert on. Argument: the Terraform JSON stack.
import { bearerToken, createAuthorizer, policy, unauthorized, wildcardArn } from '@portico/http/authorizer';
import { toOpenApi } from '@portico/http/openapi';
import { createProxyEvent, invoke, type InvokeResult } from '@portico/http/testing';
import type { Problem } from '@portico/http';
import { loadStackFile } from '@portico/local-gateway';
import { handler, routes } from './handler.js';

const answer = (res: InvokeResult) => ({ status: res.statusCode, type: res.headers['content-type'], body: res.json<Problem | Record<string, unknown>>() });

const found = await invoke(handler, createProxyEvent({ method: 'GET', path: '/users/1', routes }));
const missing = await invoke(handler, { method: 'GET', path: '/users/9', routes });
const invalid = await invoke(handler, { method: 'POST', path: '/users', routes, json: { name: '', email: 'not an email' } });
const made = await invoke(handler, { method: 'POST', path: '/users', routes, json: { name: 'Carol' } });
const openapi = toOpenApi(routes, { title: 'Users', version: '1.0.0' });
const stack = loadStackFile(process.argv[2]!);
const authorize = createAuthorizer('TOKEN', (event) => {
  if (bearerToken(event) !== 'letmein') unauthorized();
  return policy({ principalId: 'partner-1', allow: [wildcardArn(event.methodArn)], context: { tier: 'gold' } });
});
const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/GET/users/1';
const allowed = await authorize({ type: 'TOKEN', authorizationToken: 'Bearer letmein', methodArn });
const refused = await authorize({ type: 'TOKEN', authorizationToken: 'Bearer nope', methodArn }).catch((error: Error) => error.message);

console.log(
  JSON.stringify({
    found: answer(found),
    missing: answer(missing),
    invalid: answer(invalid),
    made: { ...answer(made), location: made.headers.location },
    openapi: { version: openapi.openapi, paths: Object.keys(openapi.paths), createUser: openapi.paths['/users'] },
    authorizer: { allowed, refused },
    stack: { stages: stack.apis.flatMap((api) => [...api.stages.keys()]), functions: [...stack.functions.keys()] },
  }),
);
