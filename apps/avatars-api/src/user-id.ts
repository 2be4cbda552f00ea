/**
 * What a user id may be, in a module of its own: the partner authorizer checks partners' scopes with it, and its
 * bundle should not carry the route table (valibot, the router) for one regular expression.
 */

/** User ids as the users API mints them, and any other simple id: letters, digits, `-` and `_`, up to 128. */
export const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;
