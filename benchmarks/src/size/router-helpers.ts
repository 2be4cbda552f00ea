/**
 * "Router + helpers" for the 3 KB budget: the router and route definitions, the response helpers (with the result
 * check every response passes) and the error classes, without the app around them.
 */
export {
  BadRequestError,
  binary,
  createRouter,
  created,
  defineRoute,
  HttpError,
  json,
  noContent,
  NotFoundError,
  text,
  toProxyResult,
} from '@portico/http';
