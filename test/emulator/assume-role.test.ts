// AssumeRole checks the role's trust policy, through the real STS and IAM clients.
import { CreateRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRoleCommandInput, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  Credentials, IvsEmulator, SECOND_ACCOUNT_ID, SECOND_ACCOUNT_ROLE_ARN, startEmulator, TEST_ACCOUNT_ID, TEST_CREDENTIALS, TEST_USER_ARN,
} from '.';
import { failure } from './sdk-helpers';

let emulator: IvsEmulator;
/** IAM of the second account (signed by a session of its fixture role). */
let iam2: IAMClient;

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false });
});

afterAll(() => emulator.close());

beforeEach(() => {
  emulator.state.reset();
  emulator.clearLog();
  iam2 = new IAMClient({ ...emulator.clientConfig(emulator.issueCredentials(SECOND_ACCOUNT_ID)), maxAttempts: 1 });
});

function sts(credentials: Credentials = TEST_CREDENTIALS, region?: string): STSClient {
  return new STSClient({ ...emulator.clientConfig(credentials, region), maxAttempts: 1 });
}

function trust(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function allow(principal: unknown, extra: object = {}): object {
  return { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra };
}

/** Creates (or re-trusts) a role in the second account; returns its ARN. */
async function role(trustPolicy: string, name = 'Target', extra: { Path?: string; MaxSessionDuration?: number } = {}): Promise<string> {
  const existing = emulator.state.role(SECOND_ACCOUNT_ID, name);
  if (existing) {
    await iam2.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: trustPolicy }));
    return existing.arn;
  }
  return (await iam2.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy, ...extra }))).Role!.Arn!;
}

function assume(input: Partial<AssumeRoleCommandInput> & { RoleArn: string }, credentials?: Credentials) {
  return sts(credentials).send(new AssumeRoleCommand({ RoleSessionName: 'test', ...input }));
}

function asCredentials(out: { Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } }): Credentials {
  return { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
}

/** Fails unless the call is refused with IAM's one AccessDenied answer; returns the log notes. */
async function expectDenied(call: Promise<unknown>, callerArn: string, roleArn: string): Promise<readonly string[]> {
  const err = await failure(call);
  expect([err.name, err.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
  expect(err.message).toBe(`User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  return emulator.calls('sts:AssumeRole').at(-1)!.notes ?? [];
}

describe('the role', () => {
  test('the fixture SECOND_ACCOUNT_ROLE_ARN trusts the first account', async () => {
    const out = await assume({ RoleArn: SECOND_ACCOUNT_ROLE_ARN });
    expect(out.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${SECOND_ACCOUNT_ID}:assumed-role/CdkIvsEmulatorRole/test`);
    expect(out.AssumedRoleUser!.AssumedRoleId).toBe('AROAEMULATORFIXTURE01:test');
    expect((await sts(asCredentials(out)).send(new GetCallerIdentityCommand({}))).Account).toBe(SECOND_ACCOUNT_ID);
  });

  test('a role that does not exist, under another path or in another case: the same AccessDenied', async () => {
    const arn = await role(trust(allow({ AWS: TEST_ACCOUNT_ID })), 'Target', { Path: '/cdk/' });
    expect(arn).toBe(`arn:aws:iam::${SECOND_ACCOUNT_ID}:role/cdk/Target`);
    const out = await assume({ RoleArn: arn });
    expect(out.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${SECOND_ACCOUNT_ID}:assumed-role/Target/test`); // the session ARN has no path
    for (const wrong of [`arn:aws:iam::${SECOND_ACCOUNT_ID}:role/Target`, `arn:aws:iam::${SECOND_ACCOUNT_ID}:role/cdk/target`, 'arn:aws:iam::999999999999:role/Target']) {
      expect(await expectDenied(assume({ RoleArn: wrong }), TEST_USER_ARN, wrong)).toEqual([`no role ${wrong} in the emulator's IAM`]);
    }
  });
});

describe('Principal', () => {
  test('an account ID or its root ARN trusts every principal of that account, and no other', async () => {
    for (const p of [TEST_ACCOUNT_ID, `arn:aws:iam::${TEST_ACCOUNT_ID}:root`]) {
      const arn = await role(trust(allow({ AWS: p })));
      await assume({ RoleArn: arn });
      await assume({ RoleArn: arn }, emulator.issueCredentials(TEST_ACCOUNT_ID, 'provider')); // a role session of that account
      const notes = await expectDenied(assume({ RoleArn: arn }, emulator.issueCredentials(SECOND_ACCOUNT_ID)), `arn:aws:sts::${SECOND_ACCOUNT_ID}:assumed-role/CdkIvsEmulatorRole/emulator-session`, arn);
      expect(notes).toEqual([`trust policy of ${arn}: no statement allows arn:aws:sts::${SECOND_ACCOUNT_ID}:assumed-role/CdkIvsEmulatorRole/emulator-session`]);
    }
  });

  test('a role ARN trusts the sessions of that role only; a user ARN that user only', async () => {
    const provider = `arn:aws:iam::${TEST_ACCOUNT_ID}:role/provider`;
    const arn = await role(trust(allow({ AWS: [provider] })));
    const session = emulator.issueCredentials(TEST_ACCOUNT_ID, 'provider');
    expect((await assume({ RoleArn: arn }, session)).AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${SECOND_ACCOUNT_ID}:assumed-role/Target/test`);
    await expectDenied(assume({ RoleArn: arn }), TEST_USER_ARN, arn);
    await expectDenied(assume({ RoleArn: arn }, emulator.issueCredentials(TEST_ACCOUNT_ID, 'other')), `arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/other/emulator-session`, arn);
    await role(trust(allow({ AWS: TEST_USER_ARN })));
    await assume({ RoleArn: arn });
    await expectDenied(assume({ RoleArn: arn }, session), `arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/provider/emulator-session`, arn);
  });

  test('"*" trusts everyone; a Service principal never matches a user or role session', async () => {
    const arn = await role(trust(allow('*')));
    await assume({ RoleArn: arn });
    await role(trust(allow({ AWS: '*' })));
    await assume({ RoleArn: arn });
    await role(trust(allow({ Service: 'lambda.amazonaws.com' })));
    await expectDenied(assume({ RoleArn: arn }), TEST_USER_ARN, arn);
    await expectDenied(assume({ RoleArn: arn }, emulator.issueCredentials(TEST_ACCOUNT_ID, 'provider')), `arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/provider/emulator-session`, arn);
  });
});

describe('Effect and Action', () => {
  test('an explicit Deny wins over any Allow', async () => {
    const arn = await role(trust(allow({ AWS: TEST_ACCOUNT_ID }), { Sid: 'NoUser', Effect: 'Deny', Principal: { AWS: TEST_USER_ARN }, Action: 'sts:*' }));
    expect(await expectDenied(assume({ RoleArn: arn }), TEST_USER_ARN, arn)).toEqual([`trust policy of ${arn}: explicit Deny (statement NoUser)`]);
    await assume({ RoleArn: arn }, emulator.issueCredentials(TEST_ACCOUNT_ID, 'provider')); // the Deny names the user only
  });

  test('Action wildcards match sts:AssumeRole (case-insensitive); other actions and NotAction do not', async () => {
    for (const action of ['sts:AssumeRole', 'sts:*', '*', 'sts:Assume*', 'STS:assumerole', ['sts:TagSession', 'sts:AssumeRole']]) {
      await assume({ RoleArn: await role(trust(allow({ AWS: TEST_ACCOUNT_ID }, { Action: action }))) });
    }
    for (const action of ['sts:AssumeRoleWithSAML', 'sts:AssumeRole?', 'iam:*']) {
      const arn = await role(trust(allow({ AWS: TEST_ACCOUNT_ID }, { Action: action })));
      await expectDenied(assume({ RoleArn: arn }), TEST_USER_ARN, arn);
    }
    const notAction = await role(trust({ Effect: 'Allow', Principal: { AWS: TEST_ACCOUNT_ID }, NotAction: 'sts:AssumeRole' }));
    await expectDenied(assume({ RoleArn: notAction }), TEST_USER_ARN, notAction);
    await assume({ RoleArn: await role(trust({ Effect: 'Allow', Principal: { AWS: TEST_ACCOUNT_ID }, NotAction: 'sts:TagSession' })) });
  });
});

describe('Condition', () => {
  test('a wrong, missing or right external ID: only the right one passes, the refusals look alike', async () => {
    const arn = await role(trust(allow({ AWS: TEST_ACCOUNT_ID }, { Condition: { StringEquals: { 'sts:ExternalId': 'cdk-ivs-lookup-42' } } })));
    const wrong = await expectDenied(assume({ RoleArn: arn, ExternalId: 'cdk-ivs-lookup-41' }), TEST_USER_ARN, arn);
    const missing = await expectDenied(assume({ RoleArn: arn }), TEST_USER_ARN, arn);
    expect(wrong).toEqual(missing);
    await assume({ RoleArn: arn, ExternalId: 'cdk-ivs-lookup-42' });
  });

  test('StringLike, StringNotEquals, Null and IfExists on the modeled keys', async () => {
    const cases: [object, Partial<AssumeRoleCommandInput>, boolean][] = [
      [{ StringLike: { 'sts:RoleSessionName': 'deploy-*' } }, { RoleSessionName: 'deploy-42' }, true],
      [{ StringLike: { 'sts:RoleSessionName': 'deploy-*' } }, { RoleSessionName: 'other' }, false],
      [{ StringLike: { 'sts:RoleSessionName': 'ab?' } }, { RoleSessionName: 'abc' }, true],
      [{ StringNotEquals: { 'aws:PrincipalAccount': SECOND_ACCOUNT_ID } }, {}, true],
      [{ StringNotEquals: { 'aws:PrincipalAccount': [SECOND_ACCOUNT_ID, TEST_ACCOUNT_ID] } }, {}, false],
      [{ StringEquals: { 'aws:PrincipalArn': TEST_USER_ARN } }, {}, true],
      [{ Null: { 'sts:ExternalId': 'false' } }, {}, false],
      [{ Null: { 'sts:ExternalId': 'false' } }, { ExternalId: 'present' }, true],
      [{ Null: { 'sts:ExternalId': true } }, {}, true],
      [{ StringEqualsIfExists: { 'sts:ExternalId': 'x1' } }, {}, true],
      [{ StringEqualsIfExists: { 'sts:ExternalId': 'x1' } }, { ExternalId: 'x2' }, false],
      // keys are case-insensitive; several keys are AND-ed, several values OR-ed
      [{ StringEquals: { 'STS:EXTERNALID': ['a1', 'b2'], 'aws:principalaccount': TEST_ACCOUNT_ID } }, { ExternalId: 'b2' }, true],
      [{ StringEquals: { 'sts:ExternalId': ['a1', 'b2'], 'aws:PrincipalAccount': SECOND_ACCOUNT_ID } }, { ExternalId: 'b2' }, false],
    ];
    for (const [condition, input, ok] of cases) {
      const arn = await role(trust(allow({ AWS: TEST_ACCOUNT_ID }, { Condition: condition })));
      if (ok) await assume({ RoleArn: arn, ...input });
      else await expectDenied(assume({ RoleArn: arn, ...input }), TEST_USER_ARN, arn);
    }
  });

  test('aws:PrincipalArn of a role session is the role ARN', async () => {
    const arn = await role(trust(allow({ AWS: TEST_ACCOUNT_ID }, { Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${TEST_ACCOUNT_ID}:role/prov*` } } })));
    await assume({ RoleArn: arn }, emulator.issueCredentials(TEST_ACCOUNT_ID, 'provider'));
    await expectDenied(assume({ RoleArn: arn }), TEST_USER_ARN, arn);
  });

  test('an operator or key the emulator does not model fails closed, and the log says so', async () => {
    const allowDate = await role(trust(allow({ AWS: TEST_ACCOUNT_ID }, { Condition: { DateLessThan: { 'aws:CurrentTime': '2999-01-01T00:00:00Z' } } })));
    expect(await expectDenied(assume({ RoleArn: allowDate }), TEST_USER_ARN, allowDate)).toEqual([
      `trust policy of ${allowDate}: condition operator DateLessThan is not modeled by the emulator (fails closed)`,
      `trust policy of ${allowDate}: no statement allows ${TEST_USER_ARN}`,
    ]);
    const allowIp = await role(trust(allow({ AWS: TEST_ACCOUNT_ID }, { Condition: { StringEquals: { 'aws:SourceIp': '127.0.0.1' } } })));
    expect((await expectDenied(assume({ RoleArn: allowIp }), TEST_USER_ARN, allowIp))[0]).toBe(`trust policy of ${allowIp}: condition key aws:SourceIp is not modeled by the emulator (fails closed)`);
    // in a Deny statement, failing closed means the Deny applies
    const deny = await role(trust(allow({ AWS: TEST_ACCOUNT_ID }), { Sid: 'Mfa', Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }));
    expect(await expectDenied(assume({ RoleArn: deny }), TEST_USER_ARN, deny)).toEqual([
      `trust policy of ${deny}: condition operator Bool is not modeled by the emulator (fails closed)`,
      `trust policy of ${deny}: explicit Deny (statement Mfa)`,
    ]);
    const forAny = await role(trust(allow({ AWS: TEST_ACCOUNT_ID }, { Condition: { 'ForAnyValue:StringEquals': { 'sts:ExternalId': 'x1' } } })));
    await expectDenied(assume({ RoleArn: forAny, ExternalId: 'x1' }), TEST_USER_ARN, forAny);
  });
});

describe('parameters', () => {
  test('ExternalId and RoleSessionName are validated as the STS reference says', async () => {
    const cases: [Partial<AssumeRoleCommandInput>, string][] = [
      [{ ExternalId: 'x' }, "Value 'x' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2"],
      [{ ExternalId: 'has space' }, "Value 'has space' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*"],
      [{ ExternalId: 'e'.repeat(1225) }, 'Member must have length less than or equal to 1224'],
      [{ RoleSessionName: 'bad name' }, "Value 'bad name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"],
      [{ DurationSeconds: 899 }, "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"],
    ];
    for (const [input, message] of cases) {
      const err = await failure(assume({ RoleArn: SECOND_ACCOUNT_ROLE_ARN, ...input }));
      expect([err.name, err.$metadata.httpStatusCode]).toEqual(['ValidationError', 400]);
      expect(err.message).toContain(message);
    }
    await assume({ RoleArn: SECOND_ACCOUNT_ROLE_ARN, ExternalId: 'a:b/c=d,e.f@g-h+i_j' });
  });

  test("DurationSeconds up to the role's MaxSessionDuration; role chaining at most 1 hour", async () => {
    const long = await role(trust(allow({ AWS: TEST_ACCOUNT_ID })), 'Long', { MaxSessionDuration: 7200 });
    const out = await assume({ RoleArn: long, DurationSeconds: 7200 });
    expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(7100_000);
    const over = await failure(assume({ RoleArn: long, DurationSeconds: 7201 }));
    expect([over.name, over.message]).toEqual(['ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.']);
    const fixture = await failure(assume({ RoleArn: SECOND_ACCOUNT_ROLE_ARN, DurationSeconds: 3601 })); // the fixture's MaxSessionDuration is 3600
    expect(fixture.message).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const chained = await failure(assume({ RoleArn: long, DurationSeconds: 3601 }, emulator.issueCredentials(TEST_ACCOUNT_ID, 'provider')));
    expect([chained.name, chained.message]).toEqual(['ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.']);
    await assume({ RoleArn: long, DurationSeconds: 3600 }, emulator.issueCredentials(TEST_ACCOUNT_ID, 'provider'));
  });
});

describe('cross-account chain, as the provider Lambda does it', () => {
  test('the provider role session assumes a role of the second account on a regional STS endpoint with an external ID', async () => {
    const lookup = await role(trust(allow({ AWS: `arn:aws:iam::${TEST_ACCOUNT_ID}:role/cdk-ivs-provider` }, {
      Condition: { StringEquals: { 'sts:ExternalId': 'stack-ext-id' } },
    })), 'IvsLookup');
    const lambda = emulator.issueCredentials(TEST_ACCOUNT_ID, 'cdk-ivs-provider');
    const regional = sts(lambda, 'eu-west-1');
    const out = await regional.send(new AssumeRoleCommand({ RoleArn: lookup, RoleSessionName: 'cdk-ivs', ExternalId: 'stack-ext-id' }));
    const me = await sts(asCredentials(out), 'eu-west-1').send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${SECOND_ACCOUNT_ID}:assumed-role/IvsLookup/cdk-ivs`);
    expect(emulator.calls('sts:AssumeRole').map((e) => [e.region, e.status, e.arn])).toEqual([['eu-west-1', 200, lookup]]);
  });
});
