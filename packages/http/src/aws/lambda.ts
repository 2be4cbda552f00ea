/**
 * The Lambda edge of an app: API Gateway REST (v1) proxy events in, proxy results out. All the work is the core's
 * (`app.dispatch`); this only converts, so another transport (a local server, a test) needs no more than its own
 * converter.
 */
import type { App } from '../app';
import { problemResponse } from '../errors';
import { fromProxyEvent } from './converters';
import type { ProxyEvent, ProxyHandler, ProxyResult } from './types';

/**
 * The Lambda handler for an app (`app.lambda()` is the same thing). It never throws: every failure is a problem
 * response.
 *
 * @example
 * const app = createApp();
 * app.handle(routes.hello, () => json({ message: 'Hello, World!' }));
 * export const handler = handle(app);
 */
export function handle(app: Pick<App, 'dispatch'>): ProxyHandler {
  return (event: ProxyEvent): Promise<ProxyResult> =>
    event !== null && typeof event === 'object'
      ? app.dispatch(fromProxyEvent(event))
      : Promise.resolve(problemResponse(400, 'The event is not an API Gateway proxy event', 'BAD_REQUEST', ''));
}
