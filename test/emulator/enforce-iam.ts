// Identity policies, enforced (`enforceIam`): a request signed by a session of a role that exists
// in emulator IAM is authorized against that role's inline policies (policy.ts evaluates them: an
// explicit Deny wins, else an Allow, else the implicit deny). Principals IAM does not know (the test
// user, a session issued for a role that was never created) are not evaluated. Managed policies,
// permissions boundaries, session policies and SCPs are not modeled.
// What an IVS action is authorized against follows the Service Authorization Reference, "Actions,
// resources, and condition keys for Amazon Interactive Video Service"
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninteractivevideoservice.html),
// read 2026: IVS_ACTION_RESOURCES below. Denials read as IAM writes them (IAM User Guide,
// "Troubleshoot access denied error messages"): `User: <principal> is not authorized to perform:
// <action> on resource: <arn> because no identity-based policy allows the <action> action`, or
// `... with an explicit deny in an identity-based policy`.
import type { Principal } from './credentials';
import { ServiceError } from './errors';
import { evaluatePolicy, parsePolicy, type Decision, type PolicyDocument } from './policy';
import { EmulatorState, roleKey } from './state';
import type { IvsResourceType } from './visibility';

/** Where the reference leaves the emulator a choice. */
export interface EnforceIamOptions {
  /**
   * A List action whose resource type is listed (ListChannels: Channel*, ...) is authorized once
   * against every resource of the type (`arn:aws:ivs:<region>:<account>:channel/*`, 'wildcard'), or
   * against each resource it would list, leaving out those denied ('filter'; denied as a whole only
   * when nothing is allowed and the wildcard is denied). The reference does not say. @default 'wildcard'
   */
  readonly listResources?: 'wildcard' | 'filter';
  /**
   * BatchGetChannel / BatchGetStreamKey with an ARN the policy denies: that ARN in `errors` as
   * AccessDeniedException ('item'), or the whole request denied ('request'). @default 'item'
   */
  readonly batch?: 'item' | 'request';
  /**
   * The reference's operations table maps each IVS create (CreateChannel, CreateStreamKey,
   * ImportPlaybackKeyPair, ...) to its action and ivs:TagResource; when TagResource is needed is
   * not said: when the request has tags ('withTags'), or never ('never'). @default 'withTags'
   */
  readonly tagOnCreate?: 'withTags' | 'never';
}

export type EnforceIamSettings = { -readonly [K in keyof Required<EnforceIamOptions>]: Required<EnforceIamOptions>[K] };

export const DEFAULT_ENFORCE_IAM: Readonly<EnforceIamSettings> = { listResources: 'wildcard', batch: 'item', tagOnCreate: 'withTags' };

/** Every combination of the choices (the tests run under each). */
export const ENFORCE_IAM_VARIANTS: readonly EnforceIamSettings[] = (['wildcard', 'filter'] as const).flatMap((listResources) =>
  (['item', 'request'] as const).flatMap((batch) => (['withTags', 'never'] as const).map((tagOnCreate) => ({ listResources, batch, tagOnCreate }))));

const ALL_TYPES: readonly IvsResourceType[] = ['channel', 'stream-key', 'playback-key', 'recording-configuration', 'playback-restriction-policy'];

/**
 * Per IVS action, the resource types of the reference's "Resource types (*required)" column, as
 * ARN resource prefixes (Channel = channel, Stream-Key = stream-key, Playback-Key-Pair =
 * playback-key, Recording-Configuration, Playback-Restriction-Policy), with whether each is required.
 * An empty list: no resource type, the action is authorized against "*".
 */
export const IVS_ACTION_RESOURCES: { readonly [action: string]: readonly (readonly [IvsResourceType, boolean])[] } = {
  BatchGetChannel: [['channel', true]],
  BatchGetStreamKey: [['stream-key', true]],
  BatchStartViewerSessionRevocation: [['channel', true]],
  // "Grants permission to create a new channel and an associated stream key": both required.
  CreateChannel: [['channel', true], ['stream-key', true]],
  CreatePlaybackRestrictionPolicy: [['playback-restriction-policy', true]],
  CreateRecordingConfiguration: [['recording-configuration', true]],
  // The stream key only, not the channel it is for.
  CreateStreamKey: [['stream-key', true]],
  // "Grants permission to delete a channel and channel's stream keys".
  DeleteChannel: [['channel', true], ['stream-key', true]],
  DeletePlaybackKeyPair: [['playback-key', true]],
  DeletePlaybackRestrictionPolicy: [['playback-restriction-policy', true]],
  DeleteRecordingConfiguration: [['recording-configuration', true]],
  DeleteStreamKey: [['stream-key', true]],
  GetChannel: [['channel', true]],
  GetPlaybackKeyPair: [['playback-key', true]],
  GetPlaybackRestrictionPolicy: [['playback-restriction-policy', true]],
  GetRecordingConfiguration: [['recording-configuration', true]],
  GetStream: [['channel', true]],
  GetStreamKey: [['stream-key', true]],
  ImportPlaybackKeyPair: [['playback-key', true]],
  ListChannels: [['channel', true]],
  ListPlaybackKeyPairs: [['playback-key', true]],
  ListPlaybackRestrictionPolicies: [],
  ListRecordingConfigurations: [['recording-configuration', true]],
  ListStreamKeys: [['channel', true], ['stream-key', true]],
  ListStreams: [['channel', true]],
  ListTagsForResource: ALL_TYPES.map((t) => [t, false] as const),
  PutMetadata: [['channel', true]],
  StartViewerSessionRevocation: [['channel', true]],
  StopStream: [['channel', true]],
  TagResource: ALL_TYPES.map((t) => [t, false] as const),
  UntagResource: ALL_TYPES.map((t) => [t, false] as const),
  UpdateChannel: [['channel', true]],
  UpdatePlaybackRestrictionPolicy: [['playback-restriction-policy', true]],
};

/** The creates the operations table maps to ivs:TagResource as well. */
export const IVS_TAG_ON_CREATE: readonly string[] = [
  'CreateChannel', 'CreateStreamKey', 'ImportPlaybackKeyPair', 'CreateRecordingConfiguration', 'CreatePlaybackRestrictionPolicy',
];

/** A resource a request is authorized against: its ARN and, when it exists, its tags. */
export interface AuthResource {
  readonly arn: string;
  readonly tags?: { readonly [key: string]: string };
}

/** What the request brings besides the resource (condition keys). */
export interface AuthRequest {
  readonly principal: Principal;
  /** The region the request is served in (aws:RequestedRegion). */
  readonly region: string;
  readonly action: string;
  /** Tags in the request (aws:RequestTag/<key>). */
  readonly requestTags?: { readonly [key: string]: string };
  /** Adds a line to the request's log entry. */
  readonly note: (line: string) => void;
}

/** The condition keys evaluated; any other fails closed (policy.ts). */
const MODELED_KEYS = ['aws:requestedregion', 'aws:principalarn', 'aws:principalaccount', 'aws:resourcetag/', 'aws:requesttag/', 'secretsmanager:resourcetag/'];

/** The error of a denial in each protocol: [code, HTTP status]. */
export const DENIAL: { readonly [service: string]: readonly [string, number] } = {
  ivs: ['AccessDeniedException', 403],
  secretsmanager: ['AccessDeniedException', 400],
  cloudcontrolapi: ['AccessDeniedException', 400],
  sts: ['AccessDenied', 403],
  iam: ['AccessDenied', 403],
};

export class IamEnforcer {
  constructor(private readonly state: EmulatorState) {}

  /** The inline policies of the role a principal is a session of; undefined when IAM does not know it (not evaluated). */
  policiesOf(principal: Principal): { roleArn: string; documents: { name: string; doc: PolicyDocument }[] } | undefined {
    if (!principal.roleArn) return undefined;
    const [, , , , account, resource] = principal.roleArn.split(':');
    const role = this.state.roles.get(roleKey(account, resource.split('/').pop()!));
    if (!role || role.arn !== principal.roleArn) return undefined;
    return { roleArn: role.arn, documents: [...role.policies].map(([name, text]) => ({ name, doc: parsePolicy(text, 'identity') })) };
  }

  /** The decision of the role's identity policies on one resource, or undefined when not evaluated. */
  decide(req: AuthRequest, resource: AuthResource): Decision | undefined {
    const policies = this.policiesOf(req.principal);
    if (!policies) return undefined;
    const keys: { [k: string]: string | undefined } = {
      'aws:requestedregion': req.region,
      'aws:principalarn': policies.roleArn,
      'aws:principalaccount': req.principal.account,
    };
    for (const [k, v] of Object.entries(resource.tags ?? {})) {
      keys[`aws:resourcetag/${k.toLowerCase()}`] = v;
      if (req.action.startsWith('secretsmanager:')) keys[`secretsmanager:resourcetag/${k.toLowerCase()}`] = v;
    }
    for (const [k, v] of Object.entries(req.requestTags ?? {})) keys[`aws:requesttag/${k.toLowerCase()}`] = v;
    let decision: Decision = 'implicitDeny';
    let statement: string | undefined;
    for (const { name, doc } of policies.documents) {
      const result = evaluatePolicy(doc, 'identity', { action: req.action, resource: resource.arn, caller: req.principal, keys, modeledKeys: MODELED_KEYS });
      for (const n of result.notes) req.note(`enforceIam: policy ${name}: ${n}`);
      if (result.decision === 'explicitDeny') {
        decision = 'explicitDeny';
        statement = `${name}/${result.statement}`;
        break;
      }
      if (result.decision === 'allow' && decision === 'implicitDeny') {
        decision = 'allow';
        statement = `${name}/${result.statement}`;
      }
    }
    req.note(`enforceIam: ${policies.roleArn} ${decision} ${req.action} on ${resource.arn}${statement ? ` (statement ${statement})` : ''}`);
    return decision;
  }

  /** The denial of a request on one resource, as IAM words it, or undefined when allowed (or not evaluated). */
  denial(req: AuthRequest, resource: AuthResource, service: string): ServiceError | undefined {
    const decision = this.decide(req, resource);
    if (decision === undefined || decision === 'allow') return undefined;
    const why = decision === 'explicitDeny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${req.action} action`;
    const [code, status] = DENIAL[service];
    return new ServiceError(code, `User: ${req.principal.arn} is not authorized to perform: ${req.action} on resource: ${resource.arn} ${why}`, status);
  }

  /** Throws the denial of the first resource denied (every one must be allowed). */
  authorize(req: AuthRequest, resources: readonly AuthResource[], service: string): void {
    for (const r of resources.length ? resources : [{ arn: '*' }]) {
      const err = this.denial(req, r, service);
      if (err) throw err;
    }
  }
}

/** `arn:aws:ivs:<region>:<account>:<type>/*`: every resource of a type, as a List action is authorized under 'wildcard'. */
export function everyResourceOf(type: IvsResourceType, region: string, account: string): string {
  return `arn:aws:ivs:${region}:${account}:${type}/*`;
}
