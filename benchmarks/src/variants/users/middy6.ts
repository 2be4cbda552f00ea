/** The users app on Middy 6. */
import { kit } from '../middy6-kit';
import { createUsersHandler } from './middy-app';

export const handler = createUsersHandler(kit);
