// STS (awsQuery: form-encoded `Action=…&Version=2011-06-15`, XML answers): AssumeRole hands out
// temporary credentials of a role in a known account (the second account is reachable only this
// way), GetCallerIdentity says who signed. Written by hand.
import { KeyStore, Principal, TEST_ACCOUNT_IDS } from './credentials';
import { ServiceError } from './errors';

export interface StsContext {
  readonly keys: KeyStore;
  readonly principal: Principal;
  readonly now: Date;
}

type Handler = (ctx: StsContext, params: URLSearchParams) => string;

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function validationError(message: string): ServiceError {
  return new ServiceError('ValidationError', message, 400);
}

function wrap(action: string, result: string, requestId: string): string {
  return `<${action}Response xmlns="${NS}">\n  <${action}Result>\n${result}\n  </${action}Result>\n`
    + `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`;
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

/** The full XML answer of an STS action. */
export function stsResponse(action: string, result: string, requestId: string): string {
  return wrap(action, result, requestId);
}

/** STS's error document. */
export function stsError(code: string, message: string, status: number, requestId: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${xmlEscape(code)}</Code>\n`
    + `    <Message>${xmlEscape(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
}
