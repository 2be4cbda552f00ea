/**
 * "Router + helpers" for the 3 KB budget: exactly the @portico/http exports the benchmark variant (and a typical
 * users-api handler) imports, re-exported so nothing is tree-shaken away and no application code is counted.
 */
export { BadRequestError, createApp, created, defineRoute, json, noContent, NotFoundError } from '@portico/http';
