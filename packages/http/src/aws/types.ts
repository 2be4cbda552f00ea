/**
 * The API Gateway REST (v1) proxy-integration shapes, written out here so the package needs no `@types/aws-lambda`
 * at runtime or for consumers; they are structurally compatible with `APIGatewayProxyEvent`/`Result`.
 */
import type { HttpResponse } from '../responses';

/** A v1 proxy-integration event; fields are loose because the fuzz tests (and real life) send partial ones. */
export interface ProxyEvent {
  resource?: string;
  path?: string;
  httpMethod?: string;
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  stageVariables?: Record<string, string | undefined> | null;
  requestContext?: ProxyRequestContext | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** The parts of `requestContext` Portico reads (API Gateway sends many more). */
export interface ProxyRequestContext {
  requestId?: string;
  stage?: string;
  path?: string;
  identity?: { sourceIp?: string; apiKeyId?: string | null; [key: string]: unknown } | null;
  /** What the method's authorizer passed: a Cognito authorizer's `claims`, or a Lambda authorizer's `principalId` and context. */
  authorizer?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/** What a Lambda proxy integration must return: the core's response as it is. */
export type ProxyResult = HttpResponse;

/** A Lambda handler for REST proxy events; it never throws. */
export type ProxyHandler = (event: ProxyEvent, context?: unknown) => Promise<ProxyResult>;
