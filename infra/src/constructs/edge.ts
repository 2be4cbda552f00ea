import { CloudfrontCachePolicy } from '@cdktf/provider-aws/lib/cloudfront-cache-policy';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginRequestPolicy } from '@cdktf/provider-aws/lib/cloudfront-origin-request-policy';
import { Construct } from 'constructs';
import type { CustomDomainConfig } from '../config';

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
}

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/**
 * CloudFront in front of the REGIONAL API: HTTPS only on both hops (TLS 1.2 to the origin; to viewers TLS 1.2_2021
 * with a custom domain, CloudFront's fixed policy on its default certificate), the stage as origin path so viewers
 * call `/users`, not `/dev/users`. Every viewer header but Host reaches the gateway (Host would name CloudFront's
 * domain and API Gateway answers 403 to it), which is how `x-api-key` gets through. Only GET and HEAD are cached,
 * keyed on the routes' cache query strings and the headers answers vary on; the TTL comes from the function's
 * Cache-Control (default 0), so nothing is cached unless the API says it may be.
 */
export class Edge extends Construct {
  readonly distribution: CloudfrontDistribution;
  /** The resources this construct leaves out in legacy-forwarding mode, by Terraform type. */
  static readonly EMULATOR_OMITTED = ['aws_cloudfront_cache_policy', 'aws_cloudfront_origin_request_policy'];

  constructor(scope: Construct, id: string, private readonly props: EdgeProps) {
    super(scope, id);
    const forwarding = props.legacyForwarding ? this.legacyForwarding() : this.createPolicies();
    this.distribution = this.createDistribution(forwarding);
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
