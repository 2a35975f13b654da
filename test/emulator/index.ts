// A wire-level emulator of the AWS APIs cdk-ivs uses (IVS, Secrets Manager, STS), for tests and
// the demo. Start it in-process and point real SDK clients at `emulator.url`:
//
//   const emulator = await startEmulator({ throttle: { timeScale: 10 } });
//   const ivs = new IvsClient(emulator.clientConfig());
//   ...
//   await emulator.close();
//
// Not part of the published library.
export { startEmulator, IvsEmulator } from './server';
export type { EmulatorOptions, LogEntry, Authorizer, AuthorizationRequest, ServiceName } from './server';
export {
  TEST_ACCOUNT_ID, SECOND_ACCOUNT_ID, TEST_ACCOUNT_IDS, TEST_CREDENTIALS, TEST_USER_ARN, SECOND_ACCOUNT_ROLE_ARN,
} from './credentials';
export type { Credentials, Principal } from './credentials';
export { Faults } from './faults';
export type { FaultSpec, FaultRule } from './faults';
export { IVS_RATE_LIMITS, Throttle } from './throttle';
export type { ThrottleOptions } from './throttle';
export { CHANNEL_RULE_VARIANTS, DEFAULT_BATCH_GET, DEFAULT_CHANNEL_RULES, DEFAULT_IVS_QUOTAS, IVS_ERROR_MESSAGES } from './ivs';
export type { BatchGetOptions, BatchGetSettings, ChannelRuleOptions, ChannelRuleSettings, IvsQuotas } from './ivs';
export { EmulatorState } from './state';
export { DEFAULT_PLAYBACK_EDGE_OPTIONS, PLAYBACK_EDGE_VARIANTS, PlaybackEdge, toEmulatorPlaybackUrl } from './playback';
export type { PlaybackEdgeOptions, PlaybackRefusal } from './playback';
export type { Snapshot, CreateSecretOptions, ChannelRecord, StreamKeyRecord, PlaybackKeyPairRecord, SecretRecord } from './state';
export { MODEL_CORRECTIONS, SHAPES, validate, validationMessage } from './model';
export { IVS_REGIONS } from './regions';
export { DEFAULT_CLOUD_CONTROL } from './cloud-control';
export { DEFAULT_ENFORCE_IAM, ENFORCE_IAM_VARIANTS, IVS_ACTION_RESOURCES, IVS_TAG_ON_CREATE } from './enforce-iam';
export type { EnforceIamOptions, EnforceIamSettings } from './enforce-iam';
export { DEFAULT_SECRETS_MANAGER, SECRETS_MANAGER_VARIANTS } from './secrets-manager';
export type { SecretsManagerOptions, SecretsManagerSettings } from './secrets-manager';
export { DEFAULT_VISIBILITY, VISIBILITY_NAMED_VARIANTS } from './visibility';
export type { VisibilityOptions, VisibilitySettings, IvsResourceType } from './visibility';
export type { LiveOptions, LiveStream, Encoder, StreamEvent } from './streams';
export type { CloudControlOptions, CloudControlSettings } from './cloud-control';
