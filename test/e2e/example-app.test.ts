// The example app (examples/app.ts), exactly as `npm run demo` deploys it: created, updated
// (`-c stage=update`) and destroyed through the synthesized provider bundle, against the emulator
// with IVS's real quotas and rate limits.
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { buildApp } from '../../examples/app';
import { type PlaybackKeyPairSecretValue, REQUEST_TAG, SECRET_OWNER_TAG, type StreamSecretValue } from '../../lib/contract';
import { TEST_ACCOUNT_ID } from '../emulator';
import type { Deployment, OperationResult } from '../harness';
import { LeakScan, PROVIDER_ROLE, Scenario, leakScanTest, logicalIdOf, step, madeByRequest } from './helpers';

const scan = new LeakScan();
const STACK = 'CdkIvsExample';
const REGION = 'us-east-1';
const HEX12 = '[0-9a-f]{12}';
const ID12 = '[A-Za-z0-9]{12}';

describe('the example app', () => {
  let s: Scenario;
  let d: Deployment;
  let created: OperationResult;
  let initialDir: string;
  let updatedDir: string;

  beforeAll(async () => {
    // GIVEN the example app, as first deployed and with the update the demo applies
    s = await Scenario.start(scan, 'example app');
    initialDir = s.synth((app) => buildApp(app));
    updatedDir = s.synth((app) => buildApp(app), { stage: 'update' });
  });

  afterAll(async () => {
    await s.close();
  });

  test('creates: outputs look like IVS\'s, and the secrets hold what an encoder and a token signer need', async () => {
    // WHEN
    d = await s.deploy(initialDir, STACK);
    created = d.result;

    // THEN
    expect(created.reason).toBeUndefined();
    expect(created.stackStatus).toBe('CREATE_COMPLETE');
    const out = d.outputs;
    expect(out).toEqual({
      PlaybackUrl: expect.stringMatching(new RegExp(`^https://${HEX12}\\.${REGION}\\.playback\\.live-video\\.net/api/video/v1/${REGION}\\.${TEST_ACCOUNT_ID}\\.channel\\.${ID12}\\.m3u8$`)),
      RtmpsIngestUrl: expect.stringMatching(new RegExp(`^rtmps://${HEX12}\\.global-contribute\\.live-video\\.net:443/app/$`)),
      SrtEndpoint: expect.stringMatching(new RegExp(`^${HEX12}\\.srt\\.live-video\\.net$`)),
      StreamKeySecretArn: expect.stringMatching(new RegExp(`^arn:aws:secretsmanager:${REGION}:${TEST_ACCOUNT_ID}:secret:LiveSecret[A-Za-z0-9-]+-[A-Za-z0-9]{6}$`)),
      MembersPlaybackUrl: expect.stringMatching(/^https:\/\/.+\.m3u8$/),
      MembersStreamKeyArn: expect.stringMatching(new RegExp(`^arn:aws:ivs:${REGION}:${TEST_ACCOUNT_ID}:stream-key/${ID12}$`)),
      PlaybackKeyPairArn: expect.stringMatching(new RegExp(`^arn:aws:ivs:${REGION}:${TEST_ACCOUNT_ID}:playback-key/${ID12}$`)),
      PlaybackPrivateKeySecretArn: expect.stringMatching(new RegExp(`^arn:aws:secretsmanager:${REGION}:${TEST_ACCOUNT_ID}:secret:PlaybackKeysSecret`)),
    });

    // the public channel: as declared, and its secret holds exactly what IVS made for it
    const live = s.channel('example-live');
    const liveRequest = step(created, 'Live', { resourceType: 'Custom::IvsChannel' }).requestId;
    expect(live).toMatchObject({ latencyMode: 'LOW', type: 'STANDARD', authorized: false });
    expect(live.tags).toEqual({ team: 'video', app: 'cdk-ivs-example', [REQUEST_TAG]: madeByRequest(liveRequest) });
    expect(out.PlaybackUrl).toBe(live.playbackUrl);
    expect(out.RtmpsIngestUrl).toBe(`rtmps://${live.ingestEndpoint}:443/app/`);
    expect(out.SrtEndpoint).toBe(live.srt.endpoint);
    const [liveKey, ...moreLiveKeys] = s.emulator.state.streamKeysOf(live.arn);
    expect(moreLiveKeys).toEqual([]);
    expect(s.secretJson<StreamSecretValue>(out.StreamKeySecretArn)).toEqual({
      channelArn: live.arn,
      streamKeyArn: liveKey.arn,
      streamKey: liveKey.value,
      rtmpsUrl: out.RtmpsIngestUrl,
      srtEndpoint: live.srt.endpoint,
      srtPassphrase: live.srt.passphrase,
    });
    expect(liveKey.value).toMatch(new RegExp(`^sk_${REGION}_${ID12}_[A-Za-z0-9]{23}$`));

    // the private channel: its StreamKey adopted the key CreateChannel made (no second key, no quota error)
    const members = s.channel('example-members');
    expect(members).toMatchObject({ authorized: true, type: 'ADVANCED_HD', preset: 'HIGHER_BANDWIDTH_DELIVERY' });
    expect(out.MembersPlaybackUrl).toBe(members.playbackUrl);
    expect(s.emulator.state.streamKeysOf(members.arn).map((k) => k.arn)).toEqual([out.MembersStreamKeyArn]);
    expect(s.emulator.calls('CreateStreamKey')).toEqual([]);
    const membersSecret = s.secretJson<StreamSecretValue>(membersKeySecretArn());
    expect(membersSecret).toMatchObject({ channelArn: members.arn, streamKeyArn: out.MembersStreamKeyArn, srtPassphrase: members.srt.passphrase });
    expect(membersSecret.streamKey).toBe(s.emulator.state.getStreamKeyValue(out.MembersStreamKeyArn));

    // the multitrack channel
    expect(s.channel('example-multitrack')).toMatchObject({
      containerFormat: 'FRAGMENTED_MP4',
      multitrackInputConfiguration: { enabled: true, policy: 'ALLOW', maximumResolution: 'HD' },
    });

    // the playback key pair: the secret's private key is the one whose public half IVS imported
    const pair = s.emulator.state.playbackKeyPairs.get(out.PlaybackKeyPairArn)!;
    expect(pair).toMatchObject({ name: 'example-viewers', tags: { app: 'cdk-ivs-example' } });
    const pairSecret = s.secretJson<PlaybackKeyPairSecretValue>(out.PlaybackPrivateKeySecretArn);
    expect(pairSecret.playbackKeyPairArn).toBe(pair.arn);
    const privateKey = createPrivateKey(pairSecret.privateKey);
    const derivedPublicDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    expect(createHash('md5').update(derivedPublicDer).digest('hex').match(/../g)!.join(':')).toBe(pair.fingerprint);
    expect(step(created, 'PlaybackKeys', { resourceType: 'Custom::IvsPlaybackKeyPair' }).data).toMatchObject({ Fingerprint: pair.fingerprint });
    // ... and signs a playback token (ES384 JWT) that verifies with the public key IVS holds
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const signingInput = `${b64({ alg: 'ES384', typ: 'JWT' })}.${b64({ 'aws:channel-arn': members.arn, 'aws:access-control-allow-origin': '*', 'exp': 1_900_000_000 })}`;
    const signature = sign('sha384', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(verify('sha384', Buffer.from(signingInput), { key: pair.publicKeyPem, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);

    // every secret carries the owner tag the provider's IAM condition checks, and has a value
    const secrets = s.emulator.state.snapshot().secrets;
    expect(secrets).toHaveLength(3);
    for (const secret of secrets) expect(secret).toMatchObject({ tags: { [SECRET_OWNER_TAG]: d.stackId }, hasValue: true, versions: 1 });

    // one invocation per resource, every IVS and secret write by the provider's role
    for (const r of created.records.filter((x) => x.kind === 'custom')) expect(r).toMatchObject({ invocations: 1, responseAttempts: 1, answeredBy: 'handler' });
    expect(s.emulator.calls({ service: 'ivs' }).every((e) => e.principal?.includes(`assumed-role/${PROVIDER_ROLE}/`))).toBe(true);
    s.expectNoEmulatorFailure();
  });

  test('updates: latency mode, tags, stream key rotation and multitrack resolution, without replacing a channel', async () => {
    // GIVEN the stack as created
    const before = { ...d.outputs };
    const live = s.channel('example-live');
    const oldMembersKeyArn = before.MembersStreamKeyArn;

    // WHEN
    const updated = await d.update(updatedDir);

    // THEN
    expect(updated.reason).toBeUndefined();
    expect(updated.stackStatus).toBe('UPDATE_COMPLETE');
    expect(s.channel('example-live')).toMatchObject({ arn: live.arn, latencyMode: 'NORMAL', tags: { team: 'video-platform', app: 'cdk-ivs-example' } });
    expect(s.channel('example-multitrack').multitrackInputConfiguration).toEqual({ enabled: true, policy: 'ALLOW', maximumResolution: 'FULL_HD' });
    // the channels and the key pair stayed (same ARNs, same outputs)
    expect(d.outputs).toEqual({ ...before, MembersStreamKeyArn: d.outputs.MembersStreamKeyArn });
    expect(d.outputs.MembersStreamKeyArn).not.toBe(oldMembersKeyArn);
    // the rotation: the old key is gone, the channel has exactly the new one, tagged with the update's request
    const members = s.channel('example-members');
    const newKeyArn = d.outputs.MembersStreamKeyArn;
    expect(s.emulator.state.streamKeys.has(oldMembersKeyArn)).toBe(false);
    expect(s.emulator.state.streamKeysOf(members.arn).map((k) => [k.arn, k.tags])).toEqual([
      [newKeyArn, { [REQUEST_TAG]: madeByRequest(step(updated, 'MembersKey', { resourceType: 'Custom::IvsStreamKey', requestType: 'Update' }).requestId), app: 'cdk-ivs-example' }],
    ]);
    // ... and its secret was rewritten with the new key
    expect(s.secretJson<StreamSecretValue>(membersKeySecretArn())).toEqual({
      channelArn: members.arn,
      streamKeyArn: newKeyArn,
      streamKey: s.emulator.state.getStreamKeyValue(newKeyArn),
      rtmpsUrl: `rtmps://${members.ingestEndpoint}:443/app/`,
      srtEndpoint: members.srt.endpoint,
      srtPassphrase: members.srt.passphrase,
    });
    // the replaced key's Delete (cleanup) leaves the channel's key alone
    expect(step(updated, 'MembersKey', { requestType: 'Delete', phase: 'cleanup', resourceType: 'Custom::IvsStreamKey' }))
      .toMatchObject({ status: 'SUCCESS', requestPhysicalId: oldMembersKeyArn });
    // the public channel's secret still holds its (unchanged) key
    const [liveKey] = s.emulator.state.streamKeysOf(live.arn);
    expect(s.secretJson<StreamSecretValue>(before.StreamKeySecretArn)).toMatchObject({ streamKeyArn: liveKey.arn, streamKey: liveKey.value });
    s.expectNoEmulatorFailure();
  });

  test('deletes: nothing is left in the emulator (no channel, key, key pair or secret)', async () => {
    // WHEN
    const deleted = await d.destroy();

    // THEN
    expect(deleted.reason).toBeUndefined();
    expect(deleted.stackStatus).toBe('DELETE_COMPLETE');
    expect(deleted.records.filter((r) => r.status !== 'SUCCESS' && r.status !== 'SKIPPED')).toEqual([]);
    s.expectNothingLeft();
  });

  /** The ARN of the secret MembersKey writes (a property of the stack's StreamKey resource). */
  function membersKeySecretArn(): string {
    return String(d.resource(logicalIdOf(d, 'MembersKey', 'Custom::IvsStreamKey'))!.properties.SecretArn);
  }
});

leakScanTest(scan, ['stream key', 'SRT passphrase', 'private key']);
