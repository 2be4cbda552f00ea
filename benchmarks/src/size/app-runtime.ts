/**
 * The whole @portico/http runtime a handler pulls in through `createApp` (router, request conversion, body parsing,
 * validation glue, CORS, problem responses, result checks, 5xx logging): exactly the exports the benchmark variant
 * (and users-api) imports, re-exported so nothing is tree-shaken away and no application code is counted.
 */
export { BadRequestError, createApp, created, defineRoute, json, noContent, NotFoundError } from '@portico/http';
