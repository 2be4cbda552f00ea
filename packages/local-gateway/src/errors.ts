/**
 * Thrown when a stack asks for something the local gateway cannot emulate faithfully. Refusing beats serving
 * behaviour that differs from API Gateway without saying so; the message names the Terraform resource to change.
 *
 * @example
 * throw new UnsupportedStackError('aws_api_gateway_method.admin', 'authorization "COGNITO_USER_POOLS" is not emulated; use "NONE" locally');
 */
export class UnsupportedStackError extends Error {
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(`${address}: ${reason}`);
    this.name = 'UnsupportedStackError';
  }
}
