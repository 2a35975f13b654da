// STS (awsQuery: form-encoded `Action=…&Version=2011-06-15`, XML answers): AssumeRole hands out
// temporary credentials of a role in a known account (the second account is reachable only this
// way), GetCallerIdentity says who signed. Written by hand.
import { KeyStore, Principal, TEST_ACCOUNT_IDS } from './credentials';
import { ServiceError } from './errors';
import { xmlEscape } from './query';
import { EmulatorState } from './state';

export interface StsContext {
  readonly keys: KeyStore;
  readonly state: EmulatorState;
  readonly principal: Principal;
  readonly now: Date;
  /** Adds a line to the request's log entry (why a policy refused, what was not modeled). */
  readonly note: (line: string) => void;
}

type Handler = (ctx: StsContext, params: URLSearchParams) => string;

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

function validationError(message: string): ServiceError {
  return new ServiceError('ValidationError', message, 400);
}

const ROLE_ARN = /^arn:aws:iam::([0-9]{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

const AssumeRole: Handler = (ctx, params) => {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  const errors: string[] = [];
  if (!roleArn) errors.push("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!sessionName) errors.push("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  else if (!SESSION_NAME.test(sessionName)) errors.push(`Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  const duration = params.has('DurationSeconds') ? Number(params.get('DurationSeconds')) : 3600;
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    errors.push(`Value '${params.get('DurationSeconds')}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
  }
  if (errors.length) throw validationError(`${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`);
  const m = ROLE_ARN.exec(roleArn!);
  if (!m) throw validationError(`${roleArn} is invalid`);
  if (!TEST_ACCOUNT_IDS.includes(m[1])) {
    throw new ServiceError('AccessDenied', `User: ${ctx.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  }
  const creds = ctx.keys.issue(roleArn!, sessionName!, duration, ctx.now);
  return [
    '    <Credentials>',
    `      <AccessKeyId>${creds.accessKeyId}</AccessKeyId>`,
    `      <SecretAccessKey>${xmlEscape(creds.secretAccessKey)}</SecretAccessKey>`,
    `      <SessionToken>${xmlEscape(creds.sessionToken!)}</SessionToken>`,
    `      <Expiration>${creds.expiration!.toISOString()}</Expiration>`,
    '    </Credentials>',
    '    <AssumedRoleUser>',
    `      <AssumedRoleId>${xmlEscape(creds.principal.userId)}</AssumedRoleId>`,
    `      <Arn>${xmlEscape(creds.principal.arn)}</Arn>`,
    '    </AssumedRoleUser>',
  ].join('\n');
};

const GetCallerIdentity: Handler = (ctx) => [
  `    <UserId>${xmlEscape(ctx.principal.userId)}</UserId>`,
  `    <Account>${ctx.principal.account}</Account>`,
  `    <Arn>${xmlEscape(ctx.principal.arn)}</Arn>`,
].join('\n');

export const STS_HANDLERS: { readonly [action: string]: Handler } = { AssumeRole, GetCallerIdentity };
