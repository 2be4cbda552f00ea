/** The orders app on Middy 6. */
import { kit } from '../middy6-kit';
import { createOrdersHandler } from './middy-app';

export const handler = createOrdersHandler(kit);
