// Two accounts: a partner account that owns a channel, and a web account that reads it (and its stream
// key, into a secret of its own) at deploy time. `npm run demo` deploys both into the emulator: first
// the partner stack, then the web stack with the partner's channel ARN (`-c partnerChannelArn=...`).
// Against real accounts: `npx cdk deploy CdkIvsPartner --app "..."` with the partner account's
// credentials, then `npx cdk deploy CdkIvsWeb -c partnerChannelArn=<its ChannelArn output>` with the web
// account's.
import { App, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { Channel, ChannelLookup, CrossAccountAccess, IvsCrossAccountRole } from 'cdk-ivs';

/** The role the web account's provider assumes in the partner account. */
export const LOOKUP_ROLE_NAME = 'cdk-ivs-web-lookup';

export interface PartnerStackProps extends StackProps {
  /** The account whose cdk-ivs provider may read this account's channels. */
  readonly webAccount: string;
  /** The external ID both sides agree on. */
  readonly externalId: string;
}

/** In the partner account: the role for the web account's provider, and the channel it reads. */
export class PartnerStack extends Stack {
  constructor(scope: Construct, id: string, props: PartnerStackProps) {
    super(scope, id, props);
    const role = new IvsCrossAccountRole(this, 'WebLookupRole', {
      roleName: LOOKUP_ROLE_NAME,
      trustedAccount: props.webAccount,
      externalId: props.externalId,
      access: CrossAccountAccess.LOOKUP,
    });
    const channel = new Channel(this, 'PartnerLive', { channelName: 'partner-live' });
    new CfnOutput(this, 'ChannelArn', { value: channel.channelArn });
    new CfnOutput(this, 'LookupRoleArn', { value: role.roleArn });
  }
}

export interface WebStackProps extends StackProps {
  readonly partnerAccount: string;
  readonly partnerChannelArn: string;
  readonly externalId: string;
}

/** In the web account: a deploy-time lookup of the partner's channel, its stream key in a secret here. */
export class WebStack extends Stack {
  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const lookup = new ChannelLookup(this, 'Partner', {
      channelArns: [props.partnerChannelArn],
      assumedRoleArn: `arn:${this.partition}:iam::${props.partnerAccount}:role/${LOOKUP_ROLE_NAME}`,
      externalId: props.externalId,
      storeStreamKeysInSecrets: true,
    });
    const partner = lookup.channels[0];
    // An encoder of the web account streams to the partner's channel with the key it reads here.
    const encoder = new iam.Role(this, 'EncoderRole', { assumedBy: new iam.AccountRootPrincipal() });
    partner.grantReadStreamKey(encoder);
    new CfnOutput(this, 'PartnerSrtEndpoint', { value: partner.channelSrtEndpoint });
    new CfnOutput(this, 'PartnerPlaybackUrl', { value: partner.channelPlaybackUrl });
    new CfnOutput(this, 'PartnerStreamKeySecretArn', { value: partner.secret.secretArn });
  }
}

/**
 * Builds both stacks: accounts, region and external ID from the context (defaults: the emulator's
 * accounts); the web stack only once `partnerChannelArn` is known.
 */
export function buildCrossAccountApp(app: App = new App()): App {
  const context = (key: string, fallback: string): string => app.node.tryGetContext(key) ?? fallback;
  const region = context('region', 'us-east-1');
  const partnerAccount = context('partnerAccount', '222222222222');
  const webAccount = context('webAccount', '111111111111');
  const externalId = context('externalId', 'cdk-ivs-example-web');
  new PartnerStack(app, 'CdkIvsPartner', { env: { account: partnerAccount, region }, webAccount, externalId });
  const partnerChannelArn = app.node.tryGetContext('partnerChannelArn');
  if (partnerChannelArn) {
    new WebStack(app, 'CdkIvsWeb', { env: { account: webAccount, region }, partnerAccount, partnerChannelArn, externalId });
  }
  return app;
}

if (require.main === module) {
  buildCrossAccountApp().synth();
}
