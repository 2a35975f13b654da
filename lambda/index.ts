// The provider's entry, called by aws-cdk-lib's response wrapper: dispatches on the resource type
// and the request type. Every failure is rethrown as an Error whose message (and stack: the wrapper
// sends `stack` as the FAILED reason) is a short reason naming the resource.

import { FIELDS, RESOURCE_TYPES } from '../lib/contract';
import { channel } from './channel';
import { Session } from './clients';
import { ResourceHandler } from './common';
import { cleanError, failureReason } from './errors';
import { playbackKeyPair } from './playback-key-pair';
import { Props, Schema, parseProperties } from './properties';
import { streamKey } from './stream-key';
import type { CustomResourceEvent, HandlerResponse, LambdaContext } from './types';

type Dispatch = (event: CustomResourceEvent, session: Session) => Promise<HandlerResponse>;

const RESOURCES = new Map<string, Dispatch>([
  [RESOURCE_TYPES.channel, (event, session) => dispatch(FIELDS.channel, channel, event, session)],
  [RESOURCE_TYPES.streamKey, (event, session) => dispatch(FIELDS.streamKey, streamKey, event, session)],
  [RESOURCE_TYPES.playbackKeyPair, (event, session) => dispatch(FIELDS.playbackKeyPair, playbackKeyPair, event, session)],
]);

export async function handler(event: CustomResourceEvent, context: LambdaContext): Promise<HandlerResponse> {
  try {
    const resource = RESOURCES.get(event.ResourceType);
    if (!resource) throw new Error(`unknown resource type; this provider serves ${[...RESOURCES.keys()].join(', ')}`);
    return await resource(event, Session.fromContext(context, event.RequestId));
  } catch (error) {
    throw cleanError(failureReason(event, error));
  }
}

async function dispatch<S extends Schema>(
  schema: S, resource: ResourceHandler<Props<S>>, event: CustomResourceEvent, session: Session,
): Promise<HandlerResponse> {
  const props = parseProperties(schema, event.ResourceProperties);
  const physicalId = event.PhysicalResourceId ?? '';
  switch (event.RequestType) {
    case 'Create':
      return resource.onCreate(session, props);
    case 'Update':
      return resource.onUpdate(session, physicalId, props, parseProperties(schema, event.OldResourceProperties));
    case 'Delete':
      await resource.onDelete(session, physicalId, props);
      return { PhysicalResourceId: physicalId };
    default:
      throw new Error(`unknown request type ${(event as { RequestType: unknown }).RequestType}`);
  }
}
