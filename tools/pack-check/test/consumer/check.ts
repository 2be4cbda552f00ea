// Runs the handler with the test helpers and reads the stack with the gateway's library, printing what happened as
// JSON for the test to assert on. Argument: the Terraform JSON stack.
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

console.log(
  JSON.stringify({
    found: answer(found),
    missing: answer(missing),
    invalid: answer(invalid),
    made: { ...answer(made), location: made.headers.location },
    openapi: { version: openapi.openapi, paths: Object.keys(openapi.paths), createUser: openapi.paths['/users'] },
    stack: { stages: stack.apis.flatMap((api) => [...api.stages.keys()]), functions: [...stack.functions.keys()] },
  }),
);
