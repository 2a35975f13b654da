// Shared setup for the tests of cross-account and cross-region targets (not a test file).
import { App, Environment, Stack } from 'aws-cdk-lib';
import { PROVIDER_ID } from '../../lib/provider';
import { resourcesOf } from './helpers';

/** The stack's own account and region. */
export const HOME = { account: '111111111111', region: 'us-west-2' } as const;

/** Another account, with a role there for the provider. */
export const OTHER_ACCOUNT = '222222222222';
export const OTHER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/ivs-access`;

/** A channel of the stack's account and region, and one of the other account. */
export const HOME_CHANNEL = `arn:aws:ivs:${HOME.region}:${HOME.account}:channel/abcdABCDefgh`;
export const OTHER_CHANNEL = `arn:aws:ivs:${HOME.region}:${OTHER_ACCOUNT}:channel/zyxwZYXWvuts`;

/** A stack with a concrete environment (HOME by default), without the per-synth CloudFormation validator. */
export function envStack(env: Environment = HOME, app = new App({ builtinCloudFormationValidation: false })): Stack {
  return new Stack(app, 'Home', { env });
}

/** The inline statements of the stack's provider role. */
export function providerStatements(stack: Stack): any[] {
  const roles = resourcesOf(stack, 'AWS::IAM::Role');
  const ids = Object.keys(roles).filter((id) => id.startsWith(PROVIDER_ID));
  if (ids.length !== 1) throw new Error(`expected one provider role, found ${ids.length}`);
  return roles[ids[0]].Properties.Policies[0].PolicyDocument.Statement;
}

/** The provider's sts:AssumeRole statements. */
export function assumeRoleStatements(stack: Stack): any[] {
  return providerStatements(stack).filter((s) => [s.Action].flat().includes('sts:AssumeRole'));
}
