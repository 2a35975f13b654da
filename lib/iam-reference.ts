// What IAM authorizes each action of the provider's handler against, from the Service Authorization Reference, and
// the IAM statements the provider's role (lib/provider.ts) and IvsCrossAccountRole (lib/cross-account.ts) get from it:
// each action on exactly the resource types the reference lists for it. Internal: not exported from index.ts.
//
// Sources, read 2026-12-01 (the Actions and Resource types tables; "*" marks a required resource type):
// - https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninteractivevideoservice.html
// - https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
// read in the machine-readable copy of the reference in github.com/iann0036/iam-dataset (aws/iam_definition.json,
// commit 08eff2d7ffe7d6cf0259ab47a7c390f80f86972e), as the documentation search returns only each page's opening.
// sts:AssumeRole is granted on each role's own ARN (lib/reach.ts) and is not in this table.

import { Aws } from 'aws-cdk-lib';

/** A resource type the reference lists for an action, and whether it is required ("*"). */
export interface ReferenceResourceType {
  readonly type: string;
  readonly required: boolean;
}

/** ARN formats of the reference's Resource types tables (the types the handler's actions are authorized against). */
export const RESOURCE_ARN_FORMATS = {
  'Channel': 'arn:${Partition}:ivs:${Region}:${Account}:channel/${ResourceId}',
  'Stream-Key': 'arn:${Partition}:ivs:${Region}:${Account}:stream-key/${ResourceId}',
  'Playback-Key-Pair': 'arn:${Partition}:ivs:${Region}:${Account}:playback-key/${ResourceId}',
  'Secret': 'arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}',
} as const;

export type ResourceTypeName = keyof typeof RESOURCE_ARN_FORMATS;

const required = (...types: string[]): ReferenceResourceType[] => types.map((type) => ({ type, required: true }));
const optional = (...types: string[]): ReferenceResourceType[] => types.map((type) => ({ type, required: false }));

/** The resource types of ivs:TagResource and ivs:UntagResource, all optional. */
const TAGGABLE = optional('Ad-Configuration', 'Channel', 'Composition', 'Encoder-Configuration', 'Ingest-Configuration', 'Playback-Key-Pair',
  'Playback-Restriction-Policy', 'Public-Key', 'Recording-Configuration', 'Stage', 'Storage-Configuration', 'Stream-Key');

/** The reference's resource types of every action the handler calls. */
export const REFERENCE: { readonly [action: string]: readonly ReferenceResourceType[] } = {
  'ivs:BatchGetChannel': required('Channel'),
  'ivs:BatchGetStreamKey': required('Stream-Key'),
  // "Grants permission to create a new channel and an associated stream key"; no entry for what a channel refers to
  // (recording configuration, playback restriction policy, ad configuration), here or under UpdateChannel.
  'ivs:CreateChannel': required('Channel', 'Stream-Key'),
  'ivs:CreateStreamKey': required('Stream-Key'),
  'ivs:DeleteChannel': required('Channel', 'Stream-Key'),
  'ivs:DeletePlaybackKeyPair': required('Playback-Key-Pair'),
  'ivs:DeleteStreamKey': required('Stream-Key'),
  'ivs:GetChannel': required('Channel'),
  'ivs:GetPlaybackKeyPair': required('Playback-Key-Pair'),
  'ivs:GetStream': required('Channel'),
  'ivs:GetStreamKey': required('Stream-Key'),
  'ivs:ImportPlaybackKeyPair': required('Playback-Key-Pair'),
  'ivs:ListChannels': required('Channel'),
  'ivs:ListPlaybackKeyPairs': required('Playback-Key-Pair'),
  'ivs:ListStreamKeys': required('Channel', 'Stream-Key'),
  'ivs:StopStream': required('Channel'),
  'ivs:TagResource': TAGGABLE,
  'ivs:UntagResource': TAGGABLE,
  'ivs:UpdateChannel': required('Channel'),
  'secretsmanager:CreateSecret': required('Secret'),
  'secretsmanager:DeleteSecret': required('Secret'),
  'secretsmanager:DescribeSecret': required('Secret'),
  'secretsmanager:PutSecretValue': required('Secret'),
  'secretsmanager:UpdateSecretVersionStage': required('Secret'),
};

/**
 * The actions the handler calls (lambda/), in the order the policy lists them, and for an action whose resource types
 * are all optional, the ones it calls it on (it tags only channels, stream keys and playback key pairs).
 */
export const HANDLER_ACTIONS: { readonly [action: string]: readonly ResourceTypeName[] | 'required' } = {
  'ivs:CreateChannel': 'required',
  'ivs:GetChannel': 'required',
  'ivs:BatchGetChannel': 'required',
  'ivs:ListChannels': 'required',
  'ivs:UpdateChannel': 'required',
  'ivs:DeleteChannel': 'required',
  'ivs:GetStream': 'required',
  'ivs:StopStream': 'required',
  'ivs:ListStreamKeys': 'required',
  'ivs:CreateStreamKey': 'required',
  'ivs:GetStreamKey': 'required',
  'ivs:BatchGetStreamKey': 'required',
  'ivs:DeleteStreamKey': 'required',
  'ivs:ImportPlaybackKeyPair': 'required',
  'ivs:GetPlaybackKeyPair': 'required',
  'ivs:ListPlaybackKeyPairs': 'required',
  'ivs:DeletePlaybackKeyPair': 'required',
  'ivs:TagResource': ['Channel', 'Stream-Key', 'Playback-Key-Pair'],
  'ivs:UntagResource': ['Channel', 'Stream-Key', 'Playback-Key-Pair'],
  'secretsmanager:PutSecretValue': 'required',
  'secretsmanager:DescribeSecret': 'required',
  'secretsmanager:UpdateSecretVersionStage': 'required',
  'secretsmanager:CreateSecret': 'required',
  'secretsmanager:DeleteSecret': 'required',
};

/** The Secrets Manager actions on the secrets the constructs create (granted on those only: lib/provider.ts). */
export const OWN_SECRET_ACTIONS: readonly string[] = ['secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:UpdateSecretVersionStage'];

/** The Secrets Manager actions on claims (lambda/claim.ts), granted on the stack's claim names only. */
export const CLAIM_ACTIONS: readonly string[] = ['secretsmanager:CreateSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:DeleteSecret'];

/**
 * The resource types an action is granted on: the reference's required ones, or the optional ones the handler uses
 * (`reference` and `uses` default to the tables above).
 */
export function grantedResourceTypes(action: string, reference = REFERENCE, uses = HANDLER_ACTIONS): ResourceTypeName[] {
  const entries = reference[action];
  const use = uses[action];
  if (entries === undefined || use === undefined) throw new Error(`cdk-ivs: ${action} is not in the IAM reference table or the handler's actions`);
  const types = use === 'required' ? entries.filter((e) => e.required).map((e) => e.type) : [...use];
  for (const type of types) {
    if (!entries.some((e) => e.type === type)) throw new Error(`cdk-ivs: the reference lists no ${type} resource type for ${action}`);
    if (!(type in RESOURCE_ARN_FORMATS)) throw new Error(`cdk-ivs: no ARN format for ${type}`);
  }
  if (types.length === 0) throw new Error(`cdk-ivs: ${action} would be granted on no resource type`);
  return types as ResourceTypeName[];
}

/**
 * Every resource of one type in an account and region (default: the stack's), from the reference's ARN format; `id`
 * narrows the resource ID (default: `*`).
 */
export function resourceArns(type: ResourceTypeName, region: string = Aws.REGION, account: string = Aws.ACCOUNT_ID, id = '*'): string {
  return RESOURCE_ARN_FORMATS[type]
    .replace('${Partition}', Aws.PARTITION)
    .replace('${Region}', region)
    .replace('${Account}', account)
    .replace(/\$\{(ResourceId|SecretId)\}/, id);
}

/** Sid of the statement that grants the actions on one resource type. */
const SIDS: { [type in ResourceTypeName]: string } = {
  'Channel': 'IvsChannels',
  'Stream-Key': 'IvsStreamKeys',
  'Playback-Key-Pair': 'IvsPlaybackKeyPairs',
  'Secret': 'OwnSecrets',
};

/** One statement per resource type: its Sid, the handler's actions granted on it (in HANDLER_ACTIONS order). */
export function statementsByResourceType(service: 'ivs' | 'secretsmanager', keep: (action: string) => boolean = () => true):
{ sid: string; type: ResourceTypeName; actions: string[] }[] {
  const byType = new Map<ResourceTypeName, string[]>();
  for (const action of Object.keys(HANDLER_ACTIONS).filter((a) => a.startsWith(`${service}:`) && keep(a))) {
    for (const type of grantedResourceTypes(action)) byType.set(type, [...(byType.get(type) ?? []), action]);
  }
  return (Object.keys(SIDS) as ResourceTypeName[]).filter((type) => byType.has(type))
    .map((type) => ({ sid: SIDS[type], type, actions: byType.get(type)! }));
}
