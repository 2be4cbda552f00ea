/** Middy 6's packages (npm aliases `middy6-*` of `@middy/*@6.4.5`), as the Middy 6 variants use them. */
import middy from 'middy6-core';
import httpCors from 'middy6-http-cors';
import httpErrorHandler from 'middy6-http-error-handler';
import httpJsonBodyParser from 'middy6-http-json-body-parser';
import httpRouterHandler from 'middy6-http-router';
import { createError } from 'middy6-util';
import type { MiddyKit } from './middy-kit';

export const kit: MiddyKit = { middy, httpCors, httpErrorHandler, httpJsonBodyParser, httpRouterHandler, createError };
