/** Middy 7's packages, as the Middy 7 variants use them. */
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpErrorHandler from '@middy/http-error-handler';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpRouterHandler from '@middy/http-router';
import { createError } from '@middy/util';
import type { MiddyKit } from './middy-kit';

export const kit: MiddyKit = { middy, httpCors, httpErrorHandler, httpJsonBodyParser, httpRouterHandler, createError };
