/**
 * `@portico/dynamodb/testing`: DynamoDB for tests of a store — dynalite on loopback, and servers that fail the ways a
 * real database does (never answering, refusing connections, throttling, erroring), so a store's failure behaviour is
 * tested over real sockets.
 */
export { startDynalite, type LocalDynamoDb } from './dynalite';
export { closedEndpoint, dynamoError, startScriptedServer, startSilentServer, type FakeAnswer, type FakeDynamo } from './failing-server';
