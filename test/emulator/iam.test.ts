// IAM roles through the real @aws-sdk/client-iam (awsQuery on the same endpoint as STS). The wire
// codes are IAM's (NoSuchEntity, …; the log's errorType); the SDK names its errors `…Exception`.
import {
  CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient,
  ListRolePoliciesCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IvsEmulator, SECOND_ACCOUNT_ID, SECOND_ACCOUNT_ROLE_ARN, startEmulator, TEST_ACCOUNT_ID } from '.';
import { failure } from './sdk-helpers';

let emulator: IvsEmulator;
let iam: IAMClient;

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false });
  iam = new IAMClient({ ...emulator.clientConfig(), maxAttempts: 1 });
});

afterAll(() => emulator.close());

beforeEach(() => {
  emulator.state.reset();
  emulator.clearLog();
});

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${SECOND_ACCOUNT_ID}:root` }, Action: 'sts:AssumeRole' }],
});
const READ_CHANNELS = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ivs:GetChannel', Resource: '*' }] });

describe('CreateRole / GetRole', () => {
  test('creates a role with path, description, session duration and tags; GetRole returns it', async () => {
    // WHEN
    const created = await iam.send(new CreateRoleCommand({
      RoleName: 'Lookup', Path: '/cdk-ivs/', AssumeRolePolicyDocument: TRUST, Description: 'reads channels',
      MaxSessionDuration: 7200, Tags: [{ Key: 'team', Value: 'video' }],
    }));

    // THEN
    expect(created.Role).toMatchObject({
      RoleName: 'Lookup', Path: '/cdk-ivs/', Arn: `arn:aws:iam::${TEST_ACCOUNT_ID}:role/cdk-ivs/Lookup`, Description: 'reads channels',
      MaxSessionDuration: 7200, Tags: [{ Key: 'team', Value: 'video' }],
    });
    expect(created.Role!.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(created.Role!.CreateDate).toBeInstanceOf(Date);
    const got = (await iam.send(new GetRoleCommand({ RoleName: 'Lookup' }))).Role!;
    expect(got).toEqual(created.Role);
    // "URL-encoded compliant with RFC 3986", as IAM returns policy documents
    expect(decodeURIComponent(got.AssumeRolePolicyDocument!)).toBe(TRUST);
    expect(emulator.state.role(TEST_ACCOUNT_ID, 'Lookup')).toMatchObject({ arn: created.Role!.Arn, maxSessionDuration: 7200 });
    expect(emulator.calls('iam:CreateRole')).toHaveLength(1);
    expect(emulator.calls('iam:CreateRole')[0]).toMatchObject({ service: 'iam', status: 200, account: TEST_ACCOUNT_ID, region: 'us-east-1' });
  });

  test('defaults: path /, MaxSessionDuration 3600; roles are per account', async () => {
    const role = (await iam.send(new CreateRoleCommand({ RoleName: 'Plain', AssumeRolePolicyDocument: TRUST }))).Role!;
    expect([role.Path, role.MaxSessionDuration, role.Arn]).toEqual(['/', 3600, `arn:aws:iam::${TEST_ACCOUNT_ID}:role/Plain`]);
    const second = new IAMClient({ ...emulator.clientConfig(emulator.issueCredentials(SECOND_ACCOUNT_ID)), maxAttempts: 1 });
    expect((await failure(second.send(new GetRoleCommand({ RoleName: 'Plain' })))).name).toBe('NoSuchEntityException');
    expect((await second.send(new GetRoleCommand({ RoleName: 'CdkIvsEmulatorRole' }))).Role!.Arn).toBe(SECOND_ACCOUNT_ROLE_ARN);
  });

  test('a name taken in any case is EntityAlreadyExists 409; a missing role NoSuchEntity 404', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'ProdRole', AssumeRolePolicyDocument: TRUST }));
    const dup = await failure(iam.send(new CreateRoleCommand({ RoleName: 'PRODROLE', AssumeRolePolicyDocument: TRUST })));
    expect([dup.name, dup.$metadata.httpStatusCode, dup.message]).toEqual(['EntityAlreadyExistsException', 409, 'Role with name PRODROLE already exists.']);
    const missing = await failure(iam.send(new GetRoleCommand({ RoleName: 'Nope' })));
    expect([missing.name, missing.$metadata.httpStatusCode, missing.message]).toEqual(['NoSuchEntityException', 404, 'The role with name Nope cannot be found.']);
    expect(emulator.log.map((e) => e.errorType)).toEqual([undefined, 'EntityAlreadyExists', 'NoSuchEntity']);
  });

  test('constraint failures are ValidationError 400 with Coral messages', async () => {
    const err = await failure(iam.send(new CreateRoleCommand({ RoleName: 'bad name', AssumeRolePolicyDocument: TRUST, MaxSessionDuration: 100 })));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['ValidationError', 400]);
    expect(err.message).toBe("2 validation errors detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; "
      + "Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600");
    const path = await failure(iam.send(new CreateRoleCommand({ RoleName: 'r', Path: 'no-slashes', AssumeRolePolicyDocument: TRUST })));
    expect(path.message).toMatch(/at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  });

  test('trust policies are checked: invalid JSON, a Resource, no Principal, a bad principal are MalformedPolicyDocument', async () => {
    const cases: [string, string][] = [
      ['{not json', 'This policy contains invalid Json'],
      [JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Resource: '*' }] }), 'Has prohibited field Resource'],
      [JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }), 'Missing required field Principal'],
      [JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:role/*' }, Action: 'sts:AssumeRole' }] }), 'Invalid principal in policy: "AWS":"arn:aws:iam::1:role/*"'],
      [JSON.stringify({ Version: '2020-01-01', Statement: [] }), 'The policy failed legacy parsing'],
    ];
    for (const [doc, message] of cases) {
      const err = await failure(iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: doc })));
      expect([err.name, err.$metadata.httpStatusCode, err.message]).toEqual(['MalformedPolicyDocumentException', 400, message]);
    }
    expect(emulator.state.role(TEST_ACCOUNT_ID, 'r')).toBeUndefined();
  });
});

describe('UpdateAssumeRolePolicy', () => {
  test('replaces the trust policy; a malformed one is refused and the old one stays', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'Lookup', AssumeRolePolicyDocument: TRUST }));
    const next = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: TEST_ACCOUNT_ID }, Action: 'sts:AssumeRole' }] });
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Lookup', PolicyDocument: next }));
    expect(emulator.state.role(TEST_ACCOUNT_ID, 'Lookup')!.assumeRolePolicyDocument).toBe(next);
    expect((await failure(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Lookup', PolicyDocument: '[]' })))).name).toBe('MalformedPolicyDocumentException');
    expect(emulator.state.role(TEST_ACCOUNT_ID, 'Lookup')!.assumeRolePolicyDocument).toBe(next);
    expect((await failure(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Nope', PolicyDocument: next })))).name).toBe('NoSuchEntityException');
  });
});

describe('inline policies', () => {
  test('put, get, list (paged), delete', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'Lookup', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Lookup', PolicyName: 'read', PolicyDocument: READ_CHANNELS }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Lookup', PolicyName: 'more', PolicyDocument: READ_CHANNELS }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'Lookup', PolicyName: 'read' }));
    expect([got.RoleName, got.PolicyName, decodeURIComponent(got.PolicyDocument!)]).toEqual(['Lookup', 'read', READ_CHANNELS]);
    const page1 = await iam.send(new ListRolePoliciesCommand({ RoleName: 'Lookup', MaxItems: 1 }));
    expect([page1.PolicyNames, page1.IsTruncated]).toEqual([['read'], true]);
    const page2 = await iam.send(new ListRolePoliciesCommand({ RoleName: 'Lookup', Marker: page1.Marker }));
    expect([page2.PolicyNames, page2.IsTruncated, page2.Marker]).toEqual([['more'], false, undefined]);
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Lookup', PolicyName: 'read' }));
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'Lookup' }))).PolicyNames).toEqual(['more']);
    const gone = await failure(iam.send(new GetRolePolicyCommand({ RoleName: 'Lookup', PolicyName: 'read' })));
    expect([gone.name, gone.$metadata.httpStatusCode, gone.message]).toEqual(['NoSuchEntityException', 404, 'The role policy with name read cannot be found.']);
  });

  test('identity policies may not name a principal and must name a resource', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'Lookup', AssumeRolePolicyDocument: TRUST }));
    const withPrincipal = await failure(iam.send(new PutRolePolicyCommand({ RoleName: 'Lookup', PolicyName: 'p', PolicyDocument: TRUST })));
    expect([withPrincipal.name, withPrincipal.message]).toEqual(['MalformedPolicyDocumentException', 'Policy document should not specify a principal.']);
    const noResource = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ivs:*' }] });
    expect((await failure(iam.send(new PutRolePolicyCommand({ RoleName: 'Lookup', PolicyName: 'p', PolicyDocument: noResource })))).message).toBe('Policy statement must contain resources.');
  });
});

describe('DeleteRole', () => {
  test('DeleteConflict 409 while inline policies remain; then deleted', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'Lookup', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Lookup', PolicyName: 'read', PolicyDocument: READ_CHANNELS }));
    expect(emulator.state.isEmpty()).toBe(false);
    expect(emulator.state.snapshot().roles).toEqual([{ arn: `arn:aws:iam::${TEST_ACCOUNT_ID}:role/Lookup`, account: TEST_ACCOUNT_ID, name: 'Lookup', policies: ['read'], fixture: false }]);
    const conflict = await failure(iam.send(new DeleteRoleCommand({ RoleName: 'Lookup' })));
    expect([conflict.name, conflict.$metadata.httpStatusCode, conflict.message]).toEqual(['DeleteConflictException', 409, 'Cannot delete entity, must delete policies first.']);
    expect(emulator.calls('iam:DeleteRole')[0].errorType).toBe('DeleteConflict');
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Lookup', PolicyName: 'read' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'Lookup' }));
    expect((await failure(iam.send(new DeleteRoleCommand({ RoleName: 'Lookup' })))).name).toBe('NoSuchEntityException');
    expect(emulator.state.isEmpty()).toBe(true);
  });
});

describe('the endpoint', () => {
  test('IAM and STS share it, told apart by the signature scope; IAM is signed for us-east-1 only', async () => {
    const sts = new STSClient({ ...emulator.clientConfig(), maxAttempts: 1 });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(TEST_ACCOUNT_ID);
    const wrongRegion = new IAMClient({ ...emulator.clientConfig(undefined, 'eu-west-1'), maxAttempts: 1 });
    const err = await failure(wrongRegion.send(new GetRoleCommand({ RoleName: 'x' })));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['SignatureDoesNotMatch', 403]);
    expect(err.message).toMatch(/^Credential should be scoped to a valid region, not 'eu-west-1'. This endpoint serves us-east-1./);
    expect(emulator.log.map((e) => [e.service, e.operation])).toEqual([['sts', 'GetCallerIdentity'], ['iam', 'GetRole']]);
  });

  test('the fixture role is seeded again by reset() and never counts as a leftover', async () => {
    expect(emulator.state.role(SECOND_ACCOUNT_ID, 'CdkIvsEmulatorRole')).toMatchObject({ arn: SECOND_ACCOUNT_ROLE_ARN, fixture: true });
    emulator.state.roles.clear();
    emulator.state.reset();
    expect(emulator.state.role(SECOND_ACCOUNT_ID, 'cdkivsemulatorrole')!.arn).toBe(SECOND_ACCOUNT_ROLE_ARN);
    expect(emulator.state.snapshot().roles).toEqual([]);
    expect(emulator.state.snapshot({ includeFixtureRoles: true }).roles.map((r) => r.arn)).toEqual([SECOND_ACCOUNT_ROLE_ARN]);
    expect(emulator.state.isEmpty()).toBe(true);
  });

  test('issueCredentials works for a role created through IAM (its path and role ID)', async () => {
    const role = (await iam.send(new CreateRoleCommand({ RoleName: 'Exec', Path: '/service/', AssumeRolePolicyDocument: TRUST }))).Role!;
    const sts = new STSClient({ ...emulator.clientConfig(emulator.issueCredentials(TEST_ACCOUNT_ID, 'Exec')), maxAttempts: 1 });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/Exec/emulator-session`);
    expect(me.UserId).toBe(`${role.RoleId}:emulator-session`);
  });
});
