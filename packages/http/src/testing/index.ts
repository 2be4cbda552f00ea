/**
 * `@portico/http/testing`: build API Gateway REST (v1) proxy events the way API Gateway does, and call handlers
 * with them. The local gateway builds the same events, so a test and a local request see the same thing.
 */

// Events
export { createProxyEvent, type ProxyEventInit, type EventAuth } from './create-proxy-event';
export { matchResource, type ResourceMatch } from './match-resource';

// Invocation
export { invoke, type InvokeResult, type InvokableHandler, type LambdaContextLike } from './invoke';
