/** The orders app on Middy 7. */
import { kit } from '../middy7-kit';
import { createOrdersHandler } from './middy-app';

export const handler = createOrdersHandler(kit);
