import { arnLike, evaluatePolicy, methodArn, parseAuthorizerOutput } from '../src/index';

const ARN = methodArn({ region: 'eu-west-1', accountId: '123456789012', apiId: 'a1b2c3', stage: 'dev', httpMethod: 'GET', path: 'users/42' });
const statement = (Effect: string, Resource: unknown, extra: Record<string, unknown> = {}) => ({ Effect, Action: 'execute-api:Invoke', Resource, ...extra });
const decide = (...Statement: unknown[]) => evaluatePolicy(parseAuthorizerOutput({ principalId: 'p', policyDocument: { Version: '2012-10-17', Statement } }).statements, ARN);

describe('method ARNs and policy evaluation', () => {
  it('builds the method ARN from the request, root included', () => {
    expect(ARN).toBe('arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/GET/users/42');
    expect(methodArn({ region: 'r', accountId: '1', apiId: 'a', stage: 's', httpMethod: 'POST', path: '' })).toBe('arn:aws:execute-api:r:1:a/s/POST/');
  });

  it.each([
    ['*', true],
    ['arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/GET/users/42', true],
    ['arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/*', true],
    ['arn:aws:execute-api:*:*:a1b2c3/*/GET/users/*', true],
    ['arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/GET/users/4?', true],
    ['arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/POST/*', false],
    ['arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/GET/users', false],
    ['arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/*', false],
    // A wildcard does not span the colons between an ARN's parts.
    ['arn:aws:execute-api:*', false],
    ['arn:aws:execute-api:eu-west-1:*/dev/GET/users/42', false],
  ])('matches %s against the method ARN: %s', (pattern, expected) => {
    expect(arnLike(pattern, ARN)).toBe(expected);
  });

  it('lets an explicit Deny win over an Allow, whatever the order', () => {
    expect(decide(statement('Allow', '*'), statement('Deny', ARN))).toBe('explicit-deny');
    expect(decide(statement('Deny', ARN), statement('Allow', '*'))).toBe('explicit-deny');
  });

  it('denies implicitly when no Allow matches, and allows when one does', () => {
    expect(decide(statement('Allow', 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/POST/*'))).toBe('implicit-deny');
    expect(decide(statement('Allow', ['arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/POST/*', ARN]))).toBe('allow');
  });

  it('matches actions case-insensitively with wildcards, and honours NotAction and NotResource', () => {
    expect(decide({ Effect: 'Allow', Action: 'EXECUTE-API:*', Resource: '*' })).toBe('allow');
    expect(decide({ Effect: 'Allow', Action: 'execute-api:ManageConnections', Resource: '*' })).toBe('implicit-deny');
    expect(decide({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' })).toBe('allow');
    expect(decide({ Effect: 'Deny', Action: '*', NotResource: ARN }, statement('Allow', '*'))).toBe('allow');
  });

  it('never allows through a statement with a Condition it cannot evaluate', () => {
    expect(decide(statement('Allow', '*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))).toBe('implicit-deny');
  });

  it.each([
    ['a result that is not an object', 'allow'],
    ['no principalId', { policyDocument: { Statement: [] } }],
    ['no policy document', { principalId: 'p' }],
    ['an Effect other than Allow or Deny', { principalId: 'p', policyDocument: { Statement: [statement('allow', '*')] } }],
    ['a statement without Action', { principalId: 'p', policyDocument: { Statement: [{ Effect: 'Allow', Resource: '*' }] } }],
    ['an object in the context', { principalId: 'p', policyDocument: { Statement: [statement('Allow', '*')] }, context: { a: { b: 1 } } }],
    ['a list in the context', { principalId: 'p', policyDocument: { Statement: [statement('Allow', '*')] }, context: { a: [1] } }],
    ['null in the context', { principalId: 'p', policyDocument: { Statement: [statement('Allow', '*')] }, context: { a: null } }],
  ])('refuses an output with %s', (_label, output) => {
    expect(() => parseAuthorizerOutput(output)).toThrow();
  });

  it('accepts a single statement object and turns context values into strings', () => {
    const output = parseAuthorizerOutput({ principalId: 7, policyDocument: { Statement: statement('Allow', '*') }, context: { n: 1.5, ok: false, s: 'x' } });
    expect(output.principalId).toBe('7');
    expect({ ...output.context }).toEqual({ n: '1.5', ok: 'false', s: 'x' });
  });
});
