// Secrets Manager versions: ClientRequestToken as the VersionId, deprecated versions, the version
// quota, DescribeSecret, UpdateSecretVersionStage and ListSecretVersionIds (secrets-manager.ts),
// under every combination of the undocumented choices.
import {
  DescribeSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, PutSecretValueCommand, SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { DEFAULT_SECRETS_MANAGER, IvsEmulator, SECRETS_MANAGER_VARIANTS, startEmulator } from '.';
import { failure } from './sdk-helpers';

let emulator: IvsEmulator;
let sm: SecretsManagerClient;

beforeAll(async () => {
  emulator = await startEmulator({ throttle: false });
  sm = new SecretsManagerClient({ ...emulator.clientConfig(), maxAttempts: 1 });
});

afterAll(async () => {
  sm.destroy();
  await emulator.close();
});

beforeEach(() => {
  emulator.state.reset();
  emulator.clearLog();
  emulator.secretsManager = { ...DEFAULT_SECRETS_MANAGER };
});

const token = (c: string) => c.repeat(32);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function put(arn: string, value: string, clientRequestToken?: string) {
  return sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: value, ClientRequestToken: clientRequestToken }));
}

async function stages(arn: string): Promise<Record<string, string[]>> {
  return (await sm.send(new DescribeSecretCommand({ SecretId: arn }))).VersionIdsToStages ?? {};
}

describe('PutSecretValue and ClientRequestToken', () => {
  test('the token becomes the VersionId; the same token and value again is ignored and answers that version', async () => {
    const { arn } = emulator.state.createSecret({ name: 's' });
    const first = await put(arn, 'one', token('a'));
    expect(first).toMatchObject({ VersionId: token('a'), VersionStages: ['AWSCURRENT'] });
    await put(arn, 'two', token('b'));
    // the same request as the first, after another version was made: no new version, the answer names the first one as it is now
    const again = await put(arn, 'one', token('a'));
    expect(again).toMatchObject({ VersionId: token('a'), VersionStages: ['AWSPREVIOUS'] });
    expect(emulator.state.snapshot().secrets[0].versions).toBe(2);
    expect(emulator.state.getSecretString(arn)).toBe('two');
  });

  test('the same token with another value fails with ResourceExistsException and changes nothing', async () => {
    const { arn } = emulator.state.createSecret({ name: 's' });
    await put(arn, 'one', token('a'));
    const err = await failure(put(arn, 'other', token('a')));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['ResourceExistsException', 400]);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token('a') }))).SecretString).toBe('one');
  });

  test('a version that loses its last label is deprecated: out of DescribeSecret, still readable by VersionId and listed with IncludeDeprecated', async () => {
    const { arn } = emulator.state.createSecret({ name: 's' });
    await put(arn, 'one', token('a'));
    await put(arn, 'two', token('b'));
    await put(arn, 'three', token('c'));
    expect(await stages(arn)).toEqual({ [token('b')]: ['AWSPREVIOUS'], [token('c')]: ['AWSCURRENT'] });
    const old = await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token('a') }));
    expect(old).toMatchObject({ SecretString: 'one', VersionStages: [] });
    const listed = await sm.send(new ListSecretVersionIdsCommand({ SecretId: arn }));
    expect(listed.Versions!.map((v) => v.VersionId)).toEqual([token('b'), token('c')]);
    const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true }));
    expect(all.Versions!.map((v) => [v.VersionId, v.VersionStages])).toEqual([[token('a'), []], [token('b'), ['AWSPREVIOUS']], [token('c'), ['AWSCURRENT']]]);
    expect(all.Versions![0].CreatedDate).toBeInstanceOf(Date);
    const paged = await sm.send(new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true, MaxResults: 2 }));
    expect(paged.Versions).toHaveLength(2);
    const rest = await sm.send(new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true, NextToken: paged.NextToken }));
    expect(rest.Versions!.map((v) => v.VersionId)).toEqual([token('c')]);
  });
});

describe('the version quota', () => {
  test('versions younger than the retention are kept: past the quota PutSecretValue answers LimitExceededException', async () => {
    emulator.secretsManager = { ...DEFAULT_SECRETS_MANAGER, maxVersions: 4 };
    const { arn } = emulator.state.createSecret({ name: 's' });
    for (const c of 'abcd') await put(arn, c, token(c));
    const err = await failure(put(arn, 'e', token('e')));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['LimitExceededException', 400]);
    expect(err.message).toMatch(/^The request failed because it would exceed one of the Secrets Manager quotas\./);
    expect(emulator.state.snapshot().secrets[0].versions).toBe(4);
    expect(emulator.state.getSecretString(arn)).toBe('d');
  });

  test('past the retention the oldest deprecated versions go to make room; labeled ones never do', async () => {
    emulator.secretsManager = { ...DEFAULT_SECRETS_MANAGER, maxVersions: 3, versionRetentionMs: 150 };
    const { arn } = emulator.state.createSecret({ name: 's' });
    for (const c of 'abc') await put(arn, c, token(c));
    await sleep(200);
    await put(arn, 'd', token('d'));
    await put(arn, 'e', token('e'));
    const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true }));
    expect(all.Versions!.map((v) => v.VersionId)).toEqual([token('c'), token('d'), token('e')]);
    // c (deprecated, old) still goes to make room for f; then only young or labeled versions are left
    await put(arn, 'f', token('f'));
    expect((await failure(put(arn, 'g', token('g')))).name).toBe('LimitExceededException');
    const left = await sm.send(new ListSecretVersionIdsCommand({ SecretId: arn, IncludeDeprecated: true }));
    expect(left.Versions!.map((v) => [v.VersionId, v.VersionStages])).toEqual([[token('d'), []], [token('e'), ['AWSPREVIOUS']], [token('f'), ['AWSCURRENT']]]);
  });

  test('the defaults are the quotas page\'s: 100 versions, 24 hours', () => {
    expect(DEFAULT_SECRETS_MANAGER).toMatchObject({ maxVersions: 100, versionRetentionMs: 86_400_000 });
  });
});

describe.each(SECRETS_MANAGER_VARIANTS)('UpdateSecretVersionStage, %o', (variant) => {
  beforeEach(() => {
    emulator.secretsManager = { ...DEFAULT_SECRETS_MANAGER, ...variant };
  });

  async function threeVersions() {
    const { arn } = emulator.state.createSecret({ name: 's' });
    for (const c of 'abc') await put(arn, c, token(c));
    return arn;
  }

  test('moving AWSCURRENT back (RemoveFromVersionId names its holder) moves AWSPREVIOUS to the version it left', async () => {
    const arn = await threeVersions();
    const out = await sm.send(new UpdateSecretVersionStageCommand({
      SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token('b'), RemoveFromVersionId: token('c'),
    }));
    expect(out).toMatchObject({ ARN: arn, Name: 's' });
    expect(await stages(arn)).toEqual({ [token('b')]: ['AWSCURRENT'], [token('c')]: ['AWSPREVIOUS'] });
    expect(emulator.state.getSecretString(arn)).toBe('b');
    // to a deprecated version: it comes back
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token('a'), RemoveFromVersionId: token('b') }));
    expect(await stages(arn)).toEqual({ [token('a')]: ['AWSCURRENT'], [token('b')]: ['AWSPREVIOUS'] });
  });

  test('a label on another version without RemoveFromVersionId, or with the wrong one, fails and changes nothing', async () => {
    const arn = await threeVersions();
    const before = await stages(arn);
    for (const remove of [undefined, token('a')]) {
      const err = await failure(sm.send(new UpdateSecretVersionStageCommand({
        SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token('b'), RemoveFromVersionId: remove,
      })));
      expect([err.name, err.$metadata.httpStatusCode]).toEqual([variant.stageMismatchError, 400]);
    }
    expect(await stages(arn)).toEqual(before);
    // a version that does not exist
    const missing = await failure(sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'X', MoveToVersionId: token('z') })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  test('a custom label: attached, moved, removed (the version it leaves unlabeled is deprecated)', async () => {
    const arn = await threeVersions();
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'PENDING', MoveToVersionId: token('a') }));
    expect((await stages(arn))[token('a')]).toEqual(['PENDING']);
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'PENDING', MoveToVersionId: token('b'), RemoveFromVersionId: token('a') }));
    expect(await stages(arn)).toEqual({ [token('b')]: ['AWSPREVIOUS', 'PENDING'], [token('c')]: ['AWSCURRENT'] });
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'PENDING', RemoveFromVersionId: token('b') }));
    expect((await stages(arn))[token('b')]).toEqual(['AWSPREVIOUS']);
  });

  test('removing AWSCURRENT without moving it: refused, or allowed (not documented)', async () => {
    const arn = await threeVersions();
    const call = sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', RemoveFromVersionId: token('c') }));
    if (variant.removeCurrent === 'refused') {
      expect((await failure(call)).name).toBe(variant.stageMismatchError);
      expect(emulator.state.getSecretString(arn)).toBe('c');
    } else {
      await call;
      expect(await stages(arn)).toEqual({ [token('b')]: ['AWSPREVIOUS'] });
      expect((await failure(sm.send(new GetSecretValueCommand({ SecretId: arn })))).name).toBe('ResourceNotFoundException');
    }
  });
});
