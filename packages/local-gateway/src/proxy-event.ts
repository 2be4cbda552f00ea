/**
 * The proxy event is built by `@portico/http`'s `buildProxyEvent`, the one builder the test factory uses too; this
 * module keeps the names other modules of this package import.
 */
export { buildProxyEvent, collectHeaders, formatRequestTime, isBinaryMediaType, parseQuery } from '@portico/http';
export type { FullProxyEvent as ProxyEvent, ProxyEventParts } from '@portico/http';
