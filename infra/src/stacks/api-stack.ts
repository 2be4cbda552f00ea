import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ApiConfig, StageConfig } from '../api';
import { RestApiService } from '../constructs/rest-api-service';
import type { LambdaArtifact } from '../lambda-artifact';
import { EMULATED_SERVICES, localStatePath, type DeployTarget } from '../target';

export interface ApiStackProps {
  /** The API as its `portico.config.ts` declares it. */
  readonly api: ApiConfig;
  /** The stage this stack deploys. */
  readonly stage: StageConfig;
  readonly artifact: LambdaArtifact;
  /** Where to deploy and keep state. @default real AWS, state in `./state` */
  readonly target?: DeployTarget;
  /**
   * Directory the stack is synthesized to (`<outdir>/stacks/<name>`): local state paths are made relative to it, so
   * the synthesized stack holds no machine path.
   * @default 'cdktf.out/stacks/<name>'
   */
  readonly stackDir?: string;
}

/**
 * One stage of one API: the AWS provider and state backend for the target, and the REST API service. A stack is a
 * pure function of the API's declaration, its stage and the deploy target.
 */
export class ApiStack extends TerraformStack {
  /** Resource types left out because the target emulator lacks their APIs (empty on AWS). */
  readonly omitted: readonly string[];
  readonly service: RestApiService;

  constructor(scope: Construct, name: string, private readonly props: ApiStackProps) {
    super(scope, name);
    const emulator = Boolean(props.target?.endpoint);
    this.configureProvider(name);
    this.configureState(name);
    this.service = new RestApiService(this, 'Default', {
      api: props.api,
      stage: props.stage,
      artifact: props.artifact,
      namePrefix: name,
      emulator,
    });
    this.omitted = this.service.omitted;
  }

  private configureProvider(name: string): void {
    const { stage, target } = this.props;
    const endpoint = target?.endpoint;
    const skipAccountChecks = Boolean(endpoint || target?.offline);
    new AwsProvider(this, 'aws', {
      region: stage.region,
      defaultTags: [{ tags: { project: 'portico', api: this.props.api.name, stack: name, stage: stage.stage } }],
      ...(skipAccountChecks
        ? {
            skipCredentialsValidation: true,
            skipRequestingAccountId: true,
            skipMetadataApiCheck: 'true',
            skipRegionValidation: true,
          }
        : {}),
      ...(endpoint
        ? {
            // Emulators accept any key pair; these are not secrets.
            accessKey: 'test',
            secretKey: 'test',
            s3UsePathStyle: true,
            endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, endpoint]))],
          }
        : {}),
    });
  }

  private configureState(name: string): void {
    const backend = this.props.target?.backend ?? { kind: 'local' as const, dir: 'state' };
    if (backend.kind === 's3') {
      new S3Backend(this, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix ?? 'portico'}/${name}.tfstate`,
        region: backend.region ?? this.props.stage.region,
        encrypt: true,
        ...(backend.lockTable ? { dynamodbTable: backend.lockTable } : {}),
      });
      // S3's own lock file (Terraform >= 1.10) when no DynamoDB lock table is named.
      if (!backend.lockTable) this.addOverride('terraform.backend.s3.use_lockfile', true);
      return;
    }
    const stackDir = this.props.stackDir ?? `cdktf.out/stacks/${name}`;
    new LocalBackend(this, { path: localStatePath(backend, stackDir, name, Boolean(this.props.target?.endpoint)) });
  }
}
