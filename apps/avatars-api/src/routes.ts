/**
 * The avatars API route table: what each route is, never how it is handled. Infra imports it as data.
 *
 * Images travel as bytes: the stack declares their media types binary, so API Gateway hands an upload to the
 * function base64-encoded and decodes a base64 answer back to bytes when the client's `Accept` names an image type.
 */
import { defineRoute } from '@portico/http';
import * as v from 'valibot';

/** The largest avatar, in bytes: far under DynamoDB's 400 KB item and Lambda's 6 MB payload. */
export const MAX_AVATAR_BYTES = 256 * 1024;
/** The image types an avatar may be. */
export const AVATAR_TYPES = ['image/png', 'image/jpeg'] as const;
export type AvatarType = (typeof AVATAR_TYPES)[number];

/** The partner whose token stored an avatar, as the partner authorizer named it. */
export const Uploader = v.object({
  /** The partner's id: the authorizer's `principalId`. */
  partnerId: v.string(),
  /** The partner's name when the avatar was stored. */
  name: v.optional(v.string()),
});
export type Uploader = v.InferOutput<typeof Uploader>;

/** What the API says about a stored avatar (everything but its bytes). */
export const AvatarInfo = v.object({
  userId: v.string(),
  contentType: v.picklist(AVATAR_TYPES),
  bytes: v.number(),
  width: v.number(),
  height: v.number(),
  /** A strong validator of the bytes (hex SHA-256), the `ETag` of `GET /avatars/{userId}`. */
  etag: v.string(),
  updatedAt: v.string(),
  /** Who stored it; absent on avatars stored before uploads needed a partner token. */
  uploadedBy: v.optional(Uploader),
});
export type AvatarInfo = v.InferOutput<typeof AvatarInfo>;

export const routes = {
  getAvatar: defineRoute({
    method: 'GET',
    path: '/avatars/{userId}',
    operationId: 'getAvatar',
    summary: "A user's avatar image (send Accept: image/png, image/jpeg or image/*)",
    responses: { 200: { description: 'The image bytes' }, 304: { description: 'Not modified (If-None-Match)' }, 404: { description: 'No avatar' } },
  }),
  getAvatarInfo: defineRoute({
    method: 'GET',
    path: '/avatars/{userId}/info',
    operationId: 'getAvatarInfo',
    summary: "What is stored for a user's avatar",
    responses: { 200: { description: 'The avatar', schema: AvatarInfo }, 404: { description: 'No avatar' } },
  }),
  putAvatar: defineRoute({
    method: 'PUT',
    path: '/avatars/{userId}',
    operationId: 'putAvatar',
    summary: 'Store or replace a user\'s avatar: a PNG or JPEG body up to 256 KiB, with its Content-Type',
    // A partner's token (Authorization: Bearer ptk_…) says who writes; the key meters them on the uploader plan.
    auth: { lambda: 'partner' },
    apiKeyRequired: true,
    responses: { 201: { description: 'Stored', schema: AvatarInfo }, 200: { description: 'Replaced', schema: AvatarInfo } },
  }),
  deleteAvatar: defineRoute({
    method: 'DELETE',
    path: '/avatars/{userId}',
    operationId: 'deleteAvatar',
    summary: "Delete a user's avatar",
    auth: { lambda: 'partner' },
    apiKeyRequired: true,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No avatar' } },
  }),
  /**
   * Everything else: API Gateway answers an unknown path with 403 "Missing Authentication Token", which misleads
   * clients; this catch-all makes it a 404 problem from the function instead (and a 405 with `Allow` for a known path
   * with a method it lacks).
   */
  notFound: defineRoute({
    method: 'ANY',
    path: '/{proxy+}',
    operationId: 'notFound',
    summary: 'Any other path: a 404 problem',
    responses: { 404: { description: 'No such route' } },
  }),
} as const;

/** Every route, in a stable order. */
export const routeList = Object.values(routes);
