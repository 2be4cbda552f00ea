/** The users app on Middy 7. */
import { kit } from '../middy7-kit';
import { createUsersHandler } from './middy-app';

export const handler = createUsersHandler(kit);
