// Custom::IvsStreamKey. IVS allows one stream key per channel and CreateChannel already made one, so
// Create adopts the channel's key and creates one only when the channel has none. A new Rotation
// value replaces the key: every key of the channel is deleted, then CreateStreamKey. Delete leaves
// the key with its channel (a channel needs its key to stream; DeleteChannel removes it), so a
// rollback's cleanup never leaves a channel keyless; the stack may then name a deleted key, which an
// update of its tags or secret replaces with the channel's.

import {
  CreateStreamKeyCommand,
  DeleteStreamKeyCommand,
  GetChannelCommand,
  GetStreamKeyCommand,
  ListStreamKeysCommand,
  StreamKey,
  TagResourceCommand,
} from '@aws-sdk/client-ivs';
import { STREAM_KEY_ATTRIBUTES, STREAM_KEY_FIELDS } from '../lib/contract';
import type { Session } from './clients';
import { ResourceHandler, channelStreamKey, createOnce, createTags, eventually, listAll, reconcileTags, respond } from './common';
import { writeStreamSecret } from './secrets';
import { NOT_FOUND, ignoring, isCode, must, undoOnFailure } from './errors';
import type { Props } from './properties';
import type { HandlerResponse } from './types';

type StreamKeyProps = Props<typeof STREAM_KEY_FIELDS>;

export const streamKey: ResourceHandler<StreamKeyProps> = {
  onCreate: adoptOrCreate,

  async onUpdate(session, arn, props, oldProps) {
    // Another channel: a key there (CloudFormation then deletes the old one).
    if (props.ChannelArn !== oldProps.ChannelArn) return adoptOrCreate(session, props);
    if (props.Rotation !== oldProps.Rotation) {
      // All of the channel's keys, not only this resource's: after a rollback the channel may hold
      // a key CloudFormation no longer knows, and IVS allows one.
      await deleteChannelKeys(session, channelArnOf(props));
      return createKey(session, props);
    }
    const newSecretArn = props.SecretArn !== oldProps.SecretArn ? props.SecretArn : undefined;
    let key: StreamKey;
    try {
      await reconcileTags(session, arn, oldProps.Tags, props.Tags);
      key = newSecretArn || props.ExposeStreamKeyValue ? await getKey(session, arn) : { arn };
    } catch (error) {
      if (!isCode(error, NOT_FOUND)) throw error;
      // The key is gone (a rolled-back deployment had rotated it): the channel's key, as on Create.
      return adoptOrCreate(session, props);
    }
    if (newSecretArn) await writeKeySecret(session, props, newSecretArn, key);
    return keyResponse(props, key);
  },

  async onDelete() {
    // The key stays with its channel: DeleteChannel removes it, and a rollback's cleanup (which
    // deletes the key a failed deployment's rotation made) must not leave the channel without one.
  },
};

async function adoptOrCreate(session: Session, props: StreamKeyProps): Promise<HandlerResponse> {
  const withValue = props.SecretArn !== undefined || props.ExposeStreamKeyValue === true;
  const channelArn = channelArnOf(props);
  // A channel made a moment ago may not be found yet.
  const adopted = await eventually(session, () => channelStreamKey(session, channelArn, withValue), () => true);
  if (adopted) return adoptKey(session, props, adopted);
  try {
    return await createKey(session, props);
  } catch (error) {
    // IVS allows one key per channel (a quota that cannot be raised): refused, the channel has a key the
    // list did not show yet (read right after CreateChannel), or another delivery of this event made one.
    if (!isCode(error, 'ServiceQuotaExceededException')) throw error;
    const found = await eventually(session, () => channelStreamKey(session, channelArn, withValue), (key) => key !== undefined);
    if (!found) throw error;
    return adoptKey(session, props, found);
  }
}

/** Takes the channel's key: the declared tags on it, the secret written. */
async function adoptKey(session: Session, props: StreamKeyProps, key: StreamKey): Promise<HandlerResponse> {
  const arn = must(key.arn, 'stream key ARN');
  if (props.Tags && Object.keys(props.Tags).length > 0) {
    await session.ivs(new TagResourceCommand({ resourceArn: arn, tags: props.Tags }), arn);
  }
  if (props.SecretArn) await writeKeySecret(session, props, props.SecretArn, key);
  return keyResponse(props, key);
}

/**
 * CreateStreamKey (a retry after an attempt that took effect meets the one-key quota: the key found
 * is that attempt's). If its secret cannot be written, the key is deleted again.
 */
async function createKey(session: Session, props: StreamKeyProps): Promise<HandlerResponse> {
  const channelArn = channelArnOf(props);
  const command = () => new CreateStreamKeyCommand({ channelArn, tags: createTags(session, props.Tags) });
  return createOnce(session, () => session.ivs(command(), channelArn), (answer) => answer.streamKey?.arn, {
    list: () => listAll((nextToken) => session.ivs(new ListStreamKeysCommand({ channelArn, nextToken }), channelArn), (page) => page.streamKeys),
    get: async (arn) => ({ streamKey: await getKey(session, arn) }),
    delete: (arn) => deleteKey(session, arn),
    // One key per channel: a second create is refused, and the key found is this request's. A key no create answered
    // for is deleted with its channel.
    refusals: ['ServiceQuotaExceededException'],
    unique: true,
    unclaimed: true,
  }, async (created, made) => {
    const key = must(created.streamKey, 'stream key');
    const arn = must(key.arn, 'stream key ARN');
    const secretArn = props.SecretArn;
    if (secretArn) {
      const write = () => writeKeySecret(session, props, secretArn, key);
      await (made ? undoOnFailure(`stream key ${arn}`, write, () => deleteKey(session.forCleanup(), arn)) : write());
    }
    return keyResponse(props, key);
  });
}

async function writeKeySecret(session: Session, props: StreamKeyProps, secretArn: string, key: StreamKey): Promise<void> {
  const channelArn = channelArnOf(props);
  const channel = must((await eventually(session, () => session.ivs(new GetChannelCommand({ arn: channelArn }), channelArn), () => true)).channel, 'channel');
  await writeStreamSecret(session, secretArn, channel, key);
}

function keyResponse(props: StreamKeyProps, key: StreamKey): HandlerResponse {
  const A = STREAM_KEY_ATTRIBUTES;
  const arn = must(key.arn, 'stream key ARN');
  return respond(arn, { [A.Arn]: arn, [A.ChannelArn]: key.channelArn ?? channelArnOf(props) },
    props.ExposeStreamKeyValue ? key.value ?? '' : undefined);
}

function channelArnOf(props: StreamKeyProps): string {
  if (!props.ChannelArn) throw new Error('property ChannelArn is required');
  return props.ChannelArn;
}

async function getKey(session: Session, arn: string): Promise<StreamKey> {
  return must((await session.ivs(new GetStreamKeyCommand({ arn }), arn)).streamKey, 'stream key');
}

/** Deletes every stream key of the channel; a key already gone counts as deleted. */
async function deleteChannelKeys(session: Session, channelArn: string): Promise<void> {
  const { streamKeys } = await session.ivs(new ListStreamKeysCommand({ channelArn }), channelArn);
  for (const key of streamKeys ?? []) if (key.arn) await deleteKey(session, key.arn);
}

/** DeleteStreamKey; a key already gone counts as deleted. */
function deleteKey(session: Session, arn: string): Promise<void> {
  return ignoring([NOT_FOUND], session.ivs(new DeleteStreamKeyCommand({ arn }), arn));
}
