import { CloudfrontCachePolicy } from '@cdktf/provider-aws/lib/cloudfront-cache-policy';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontFunction } from '@cdktf/provider-aws/lib/cloudfront-function';
import { CloudfrontOriginRequestPolicy } from '@cdktf/provider-aws/lib/cloudfront-origin-request-policy';
import { Construct } from 'constructs';
import type { CustomDomainConfig } from '../api';

export interface EdgeProps {
  /** `<api-id>.execute-api.<region>.amazonaws.com` */
  readonly originDomain: string;
  readonly stageName: string;
  /** Query strings that key the CloudFront cache (the routes' cache keys). */
  readonly cacheKeyQueryStrings: readonly string[];
  /**
   * Request headers that key the CloudFront cache: the ones the API's answers vary on (CloudFront ignores `Vary`).
   * @default []
   */
  readonly cacheKeyHeaders?: readonly string[];
  readonly namePrefix: string;
  /** @default the distribution's `*.cloudfront.net` name with CloudFront's certificate */
  readonly customDomain?: CustomDomainConfig;
  /**
   * Build the distribution without cache and origin-request policies, with the legacy `forwarded_values` instead, for
   * AWS emulators that lack the policy APIs. Never for AWS: forwarded_values cannot forward all headers but Host.
   * @default false
   */
  readonly legacyForwarding?: boolean;
  /**
   * Wait until CloudFront reports the distribution deployed (minutes on AWS) before the apply finishes, so a smoke
   * test right after a deploy meets the new configuration.
   * @default true
   */
  readonly waitForDeployment?: boolean;
  /** @default 'PriceClass_100' */
  readonly priceClass?: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
  /**
   * The stage's CORS allowlist. With several origins the gateway's own errors carry no `Access-Control-Allow-Origin`
   * (see `GatewayResponses`): a viewer-response function adds it for an allowed origin, and drops any echo of an
   * origin that is not on the list. @default [] (no function)
   */
  readonly corsOrigins?: readonly string[];
}

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/**
 * CloudFront in front of the REGIONAL API: HTTPS only on both hops (TLS 1.2 to the origin; to viewers TLS 1.2_2021
 * with a custom domain, CloudFront's fixed policy on its default certificate), the stage as origin path so viewers
 * call `/orders`, not `/dev/orders`. Every viewer header but Host reaches the gateway (Host would name CloudFront's
 * domain and API Gateway answers 403 to it), which is how `x-api-key` gets through. Only GET and HEAD are cached,
 * keyed on the routes' cache query strings and the headers answers vary on; the TTL comes from the function's
 * Cache-Control (default 0), so nothing is cached unless the API says it may be.
 */
export class Edge extends Construct {
  readonly distribution: CloudfrontDistribution;
  /** The resources this construct leaves out in legacy-forwarding mode, by Terraform type. */
  static readonly EMULATOR_OMITTED = ['aws_cloudfront_cache_policy', 'aws_cloudfront_origin_request_policy', 'aws_cloudfront_function'];
  /** The CORS function, when the allowlist has several origins (and the target has the CloudFront functions API). */
  readonly corsFunction?: CloudfrontFunction;
  /** The resource types this edge would have on AWS but leaves out in legacy-forwarding mode. */
  readonly omitted: readonly string[];

  constructor(scope: Construct, id: string, private readonly props: EdgeProps) {
    super(scope, id);
    const forwarding = props.legacyForwarding ? this.legacyForwarding() : this.createPolicies();
    const wantsFunction = (props.corsOrigins?.length ?? 0) > 1;
    if (wantsFunction && !props.legacyForwarding) this.corsFunction = this.createCorsFunction();
    this.omitted = props.legacyForwarding
      ? Edge.EMULATOR_OMITTED.filter((type) => type !== 'aws_cloudfront_function' || wantsFunction)
      : [];
    this.distribution = this.createDistribution(forwarding);
  }

  private createCorsFunction(): CloudfrontFunction {
    return new CloudfrontFunction(this, 'CorsFunction', {
      name: `${this.props.namePrefix}-cors`,
      runtime: 'cloudfront-js-2.0',
      comment: 'Access-Control-Allow-Origin for allowed origins only, on every answer (gateway errors included)',
      publish: true,
      code: corsFunctionCode(this.props.corsOrigins ?? []),
    });
  }

  private createPolicies(): { cachePolicyId: string; originRequestPolicyId: string } {
    const { props } = this;
    const cachePolicy = new CloudfrontCachePolicy(this, 'CachePolicy', {
      name: `${props.namePrefix}-api`,
      comment: 'GET/HEAD keyed on the API cache query strings and vary headers; TTL from the origin Cache-Control',
      minTtl: 0,
      defaultTtl: 0,
      maxTtl: 3600,
      parametersInCacheKeyAndForwardedToOrigin: {
        cookiesConfig: { cookieBehavior: 'none' },
        headersConfig: props.cacheKeyHeaders?.length
          ? { headerBehavior: 'whitelist', headers: { items: [...props.cacheKeyHeaders] } }
          : { headerBehavior: 'none' },
        queryStringsConfig: {
          queryStringBehavior: 'whitelist',
          queryStrings: { items: [...props.cacheKeyQueryStrings] },
        },
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      },
    });
    const originRequestPolicy = new CloudfrontOriginRequestPolicy(this, 'OriginRequestPolicy', {
      name: `${props.namePrefix}-api`,
      comment: 'All viewer headers but Host (x-api-key included), all query strings, no cookies',
      cookiesConfig: { cookieBehavior: 'none' },
      headersConfig: { headerBehavior: 'allExcept', headers: { items: ['host'] } },
      queryStringsConfig: { queryStringBehavior: 'all' },
    });
    return { cachePolicyId: cachePolicy.id, originRequestPolicyId: originRequestPolicy.id };
  }

  private legacyForwarding(): { forwardedValues: object; minTtl: number; defaultTtl: number; maxTtl: number } {
    return {
      forwardedValues: {
        queryString: true,
        queryStringCacheKeys: [...this.props.cacheKeyQueryStrings],
        // Forwarded headers are part of the legacy cache key: Origin (CORS) among them.
        headers: [...new Set(['x-api-key', 'Origin', 'Authorization', 'Content-Type', 'Accept', ...(this.props.cacheKeyHeaders ?? [])])],
        cookies: { forward: 'none' },
      },
      minTtl: 0,
      defaultTtl: 0,
      maxTtl: 3600,
    };
  }

  private createDistribution(forwarding: object): CloudfrontDistribution {
    const { props } = this;
    const domain = props.customDomain;
    return new CloudfrontDistribution(this, 'Distribution', {
      enabled: true,
      waitForDeployment: props.waitForDeployment ?? true,
      comment: `${props.namePrefix} API`,
      priceClass: props.priceClass ?? 'PriceClass_100',
      httpVersion: 'http2and3',
      ...(domain ? { aliases: [domain.domainName] } : {}),
      origin: [
        {
          originId: 'api',
          domainName: props.originDomain,
          originPath: `/${props.stageName}`,
          customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: 'https-only',
            originSslProtocols: ['TLSv1.2'],
          },
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: 'api',
        viewerProtocolPolicy: 'https-only',
        allowedMethods: ALL_METHODS,
        cachedMethods: ['GET', 'HEAD'],
        compress: true,
        ...forwarding,
        ...(this.corsFunction ? { functionAssociation: [{ eventType: 'viewer-response', functionArn: this.corsFunction.arn }] } : {}),
      },
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: domain
        ? { acmCertificateArn: domain.certificateArn, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' }
        : // CloudFront's own certificate always allows TLSv1 and reports it back: any other minimum would be a
          // perpetual diff in every plan, so it is left at the provider's default. Only a custom domain can enforce 1.2.
          { cloudfrontDefaultCertificate: true },
    });
  }

  get url(): string {
    return this.props.customDomain ? `https://${this.props.customDomain.domainName}` : `https://${this.distribution.domainName}`;
  }
}

/**
 * The viewer-response function of an allowlist (CloudFront Functions, cloudfront-js-2.0): an allowed `Origin` gets
 * `Access-Control-Allow-Origin` when the answer lacks it (the gateway's own errors), an echo of any other origin is
 * removed, and `Vary: Origin` is kept so caches tell origins apart. Data, not code, comes from the config: the list
 * is embedded as JSON.
 *
 * @example
 * corsFunctionCode(['https://app.example.com', 'https://admin.example.com']); // 'var ALLOWED = [...]; function handler(event) {…}'
 */
export function corsFunctionCode(origins: readonly string[]): string {
  return [
    `var ALLOWED = ${JSON.stringify([...origins])};`,
    'function handler(event) {',
    '  var response = event.response;',
    '  var headers = response.headers;',
    '  var sent = event.request.headers.origin;',
    '  var origin = sent ? sent.value : undefined;',
    "  var echoed = headers['access-control-allow-origin'];",
    "  if (echoed && echoed.value !== '*' && ALLOWED.indexOf(echoed.value) === -1) delete headers['access-control-allow-origin'];",
    "  if (origin !== undefined && ALLOWED.indexOf(origin) !== -1 && !headers['access-control-allow-origin']) {",
    "    headers['access-control-allow-origin'] = { value: origin };",
    '  }',
    "  var vary = headers['vary'] ? headers['vary'].value : '';",
    "  if (!/(^|,)\\s*origin\\s*(,|$)/i.test(vary)) headers['vary'] = { value: vary ? vary + ', Origin' : 'Origin' };",
    '  return response;',
    '}',
  ].join('\n');
}
