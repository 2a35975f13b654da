// The regions the emulator serves on its one endpoint. Real AWS routes a request by its regional
// host name (ivs.<region>.amazonaws.com) and the SDK signs it for its client's region, so the
// emulator takes each request's region from its SigV4 credential scope.

/**
 * Regions Amazon IVS low-latency streaming is offered in: the "IVS low-latency streaming
 * endpoints" table of the AWS General Reference (docs.aws.amazon.com/general/latest/gr/ivs.html).
 */
export const IVS_REGIONS: readonly string[] = [
  'us-east-1', 'us-west-2', 'ap-south-1', 'ap-northeast-2', 'ap-northeast-1', 'eu-central-1', 'eu-west-1',
];

/**
 * The region IAM requests are signed for: IAM is a global service whose one endpoint,
 * iam.amazonaws.com, is signed for us-east-1 (AWS General Reference, "AWS Identity and Access
 * Management endpoints and quotas").
 */
export const IAM_SIGNING_REGION = 'us-east-1';

/**
 * The region of STS's global endpoint sts.amazonaws.com; every regional endpoint
 * (sts.<region>.amazonaws.com) is signed for its own region (IAM User Guide, "Manage AWS STS in
 * an AWS Region").
 */
export const STS_GLOBAL_REGION = 'us-east-1';
