/**
 * The Middy packages a variant uses, so the same app code runs on Middy 7 and on Middy 6 (installed under npm
 * aliases): only the kit it is handed differs. Typed loosely: the two majors' typings differ in details the apps
 * never touch.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface MiddyKit {
  middy: (...args: any[]) => any;
  httpCors: (options?: any) => any;
  httpErrorHandler: (options?: any) => any;
  httpJsonBodyParser: (options?: any) => any;
  httpRouterHandler: (routes: any) => any;
  createError: (status: number, message: string, properties?: any) => Error;
}
