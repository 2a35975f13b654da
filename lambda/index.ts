// The provider's entry, called by aws-cdk-lib's response wrapper: dispatches on the resource type
// and the request type. Every failure is rethrown as an Error whose message (and stack: the wrapper
// sends `stack` as the FAILED reason) is a short reason naming the resource.

import { FIELDS, RESOURCE_TYPES } from '../lib/contract';
import { channel } from './channel';
import { abandonCreate } from './claim';
import { channelLookup } from './channel-lookup';
import { Session } from './clients';
import { ResourceHandler } from './common';
import { cleanError, failureReason } from './errors';
import { playbackKeyPair } from './playback-key-pair';
import { Props, Schema, parseProperties } from './properties';
import { streamKey } from './stream-key';
import type { CustomResourceEvent, HandlerResponse, LambdaContext } from './types';

/** An IVS ARN of any partition. */
const IVS_ARN = /^arn:aws[a-z-]*:ivs:[a-z0-9-]+:[0-9]{12}:[a-z-]+\/.+$/;

type TargetProps = { readonly RoleArn?: string; readonly ExternalId?: string; readonly Region?: string };

/** `<account of the role, or the stack's>/<region>` of a resource's properties: a role of the stack's account is no move. */
function placeOf(props: TargetProps, stackAccount: string): string {
  return `${props.RoleArn?.split(':')[4] ?? stackAccount}/${props.Region ?? process.env.AWS_REGION}`;
}

type Dispatch = (event: CustomResourceEvent, session: Session) => Promise<HandlerResponse>;

const RESOURCES = new Map<string, Dispatch>([
  [RESOURCE_TYPES.channel, (event, session) => dispatch(FIELDS.channel, channel, event, session)],
  [RESOURCE_TYPES.streamKey, (event, session) => dispatch(FIELDS.streamKey, streamKey, event, session)],
  [RESOURCE_TYPES.playbackKeyPair, (event, session) => dispatch(FIELDS.playbackKeyPair, playbackKeyPair, event, session)],
  [RESOURCE_TYPES.channelLookup, (event, session) => dispatch(FIELDS.channelLookup, channelLookup, event, session)],
]);

export async function handler(event: CustomResourceEvent, context: LambdaContext): Promise<HandlerResponse> {
  try {
    const resource = RESOURCES.get(event.ResourceType);
    if (!resource) throw new Error(`unknown resource type; this provider serves ${[...RESOURCES.keys()].join(', ')}`);
    return await resource(event, Session.fromContext(context, event));
  } catch (error) {
    throw cleanError(failureReason(event, error));
  }
}

/**
 * Parses the properties and runs the request type's handler with a session whose IVS calls go to the
 * resource's target (its role and region; TARGET_FIELDS).
 */
async function dispatch<S extends Schema>(
  schema: S, resource: ResourceHandler<Props<S>>, event: CustomResourceEvent, stackSession: Session,
): Promise<HandlerResponse> {
  const props = parseProperties(schema, event.ResourceProperties);
  const target = props as TargetProps;
  const session = stackSession.forTarget({ roleArn: target.RoleArn, externalId: target.ExternalId, region: target.Region });
  const physicalId = event.PhysicalResourceId ?? '';
  switch (event.RequestType) {
    case 'Create':
      return resource.onCreate(session, props);
    case 'Update': {
      const oldProps = parseProperties(schema, event.OldResourceProperties);
      // Another account or region holds another resource: a new one there (CloudFormation then deletes
      // the old physical ID, with the old properties and so in the old place).
      if (placeOf(oldProps, stackSession.account) !== placeOf(props, stackSession.account)) return resource.onCreate(session, props);
      return resource.onUpdate(session, physicalId, props, oldProps);
    }
    case 'Delete':
      // A create that never answered leaves CloudFormation a physical ID of its own making (custom
      // resource request objects: PhysicalResourceId is the provider's, "or a CloudFormation-generated
      // ID" otherwise): it names nothing in IVS. What that create made is deleted (claim.ts abandonCreate).
      if (!IVS_ARN.test(physicalId)) {
        if (resource.abandon) await abandonCreate(stackSession, session.createId, (which) => resource.abandon!(session, props, which));
        return { PhysicalResourceId: physicalId };
      }
      await resource.onDelete(session, physicalId, props);
      return { PhysicalResourceId: physicalId };
    default:
      throw new Error(`unknown request type ${(event as { RequestType: unknown }).RequestType}`);
  }
}
