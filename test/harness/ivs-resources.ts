/**
 * The IVS resource types of CloudFormation (`AWS::IVS::Channel`, `StreamKey`, `PlaybackKeyPair`,
 * `RecordingConfiguration`, `PlaybackRestrictionPolicy`) as their resource handlers drive the IVS
 * API, here through the endpoint the harness is given (the emulator) with CloudFormation's
 * credentials. Property names, GetAtt attributes and createOnly properties come from the resource
 * schemas (cfn-schema.ts); each Ref is the resource's ARN (CloudFormation user guide,
 * aws-resource-ivs-*: "Ref returns the channel ARN", "... the stream key ARN", ...).
 *
 * Template properties become API members by lower-casing their first letter at every level
 * (`DestinationConfiguration.S3.BucketName` → `destinationConfiguration.s3.bucketName`), and the
 * `Tags` list ({Key, Value}) becomes the API's tag map; tag changes go through TagResource /
 * UntagResource. A property left out of the template is sent as its schema default on create.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateChannelCommand, CreatePlaybackRestrictionPolicyCommand, CreateRecordingConfigurationCommand, CreateStreamKeyCommand,
  DeleteChannelCommand, DeletePlaybackKeyPairCommand, DeletePlaybackRestrictionPolicyCommand, DeleteRecordingConfigurationCommand,
  DeleteStreamKeyCommand, GetRecordingConfigurationCommand, ImportPlaybackKeyPairCommand, IvsClient, TagResourceCommand,
  UntagResourceCommand, UpdateChannelCommand, UpdatePlaybackRestrictionPolicyCommand,
} from '@aws-sdk/client-ivs';
import { type ResourceSchema, resetValue, resourceSchema } from './cfn-schema';
import { type Json, type JsonObject, jsonEqual } from './intrinsics';
import {
  NotFoundError, type ProviderSettings, type Provisioned, ProvisionError, type ResourceProvider, tagChanges, tagList,
} from './simulated';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const lowerFirst = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);

/** Template value → API value: keys lower-cased at their first letter, recursively. */
function apiValue(v: Json): unknown {
  if (Array.isArray(v)) return v.map(apiValue);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [lowerFirst(k), apiValue(x)]));
  return v;
}

const tagMap = (props: JsonObject) => Object.fromEntries(tagList(props).map((t) => [t.Key, t.Value]));

/** The create request's members: every template property (schema defaults for absent ones) but Tags. */
function createInput(schema: ResourceSchema, props: JsonObject): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(schema.properties)) {
    if (name === 'Tags') continue;
    const v = props[name] ?? p.defaultValue;
    if (v !== undefined) input[lowerFirst(name)] = apiValue(v);
  }
  const tags = tagMap(props);
  if (Object.keys(tags).length > 0) input.tags = tags;
  return input;
}

/**
 * The update request's members: the properties that changed (Tags apart). A property removed
 * from the template is sent as what its absence stands for (`reset`: cfn-schema resetValue) or not
 * at all, which leaves the resource as it is (`keep`); the handlers' behaviour is not documented.
 */
export function updateInput(schema: ResourceSchema, oldProps: JsonObject, props: JsonObject, removed: 'reset' | 'keep'): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(schema.properties)) {
    if (name === 'Tags' || p.createOnly || jsonEqual(oldProps[name], props[name])) continue;
    const v = props[name] ?? (removed === 'reset' ? resetValue(p) : undefined);
    if (v !== undefined) input[lowerFirst(name)] = apiValue(v);
  }
  return input;
}

const isNotFound = (err: unknown) => (err as Error).name === 'ResourceNotFoundException';

/** The IVS client of CloudFormation's handlers, and one provider per resource type. */
export class IvsResources {
  private client?: IvsClient;

  constructor(private readonly settings: ProviderSettings) {}

  ivs(): IvsClient {
    const endpoint = this.settings.endpointFor('IVS');
    if (!endpoint) throw new Error('the harness has no IVS endpoint (options.endpoint or options.serviceEndpoints.IVS); it never calls real AWS');
    this.client ??= new IvsClient({ region: this.settings.region, endpoint, credentials: this.settings.credentials, maxAttempts: 8 });
    return this.client;
  }

  close(): void {
    this.client?.destroy();
    this.client = undefined;
  }

  /** Providers by CloudFormation type. */
  providers(): Record<string, ResourceProvider> {
    return {
      'AWS::IVS::Channel': this.channel(),
      'AWS::IVS::StreamKey': this.streamKey(),
      'AWS::IVS::PlaybackKeyPair': this.playbackKeyPair(),
      'AWS::IVS::RecordingConfiguration': this.recordingConfiguration(),
      'AWS::IVS::PlaybackRestrictionPolicy': this.playbackRestrictionPolicy(),
    };
  }

  private schema(type: string): ResourceSchema {
    const s = resourceSchema(type);
    if (!s) throw new Error(`harness: the spec db has no schema for ${type}`);
    return s;
  }

  private async retag(arn: string, oldProps: JsonObject, props: JsonObject): Promise<void> {
    const { removed, set } = tagChanges(oldProps, props);
    if (removed.length > 0) await this.ivs().send(new UntagResourceCommand({ resourceArn: arn, tagKeys: removed }));
    if (set.length > 0) await this.ivs().send(new TagResourceCommand({ resourceArn: arn, tags: Object.fromEntries(set.map((t) => [t.Key, t.Value])) }));
  }

  /** A delete whose resource is gone already is a NotFoundError (the deployment decides). */
  private async remove(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError((err as Error).message, err);
      throw err;
    }
  }

  private channel(): ResourceProvider {
    const schema = this.schema('AWS::IVS::Channel');
    // GetAtt Arn, IngestEndpoint, PlaybackUrl: no SRT endpoint (user guide, aws-resource-ivs-channel).
    const attributes = (c: { arn?: string; ingestEndpoint?: string; playbackUrl?: string }) =>
      ({ Arn: c.arn ?? '', IngestEndpoint: c.ingestEndpoint ?? '', PlaybackUrl: c.playbackUrl ?? '' });
    return {
      create: async (_ctx, props) => {
        const out = await this.ivs().send(new CreateChannelCommand(createInput(schema, props)));
        const made: Provisioned = { physicalId: out.channel!.arn!, attributes: attributes(out.channel!) };
        // "By default, the IVS API CreateChannel endpoint creates a stream key in addition to a channel. The
        // Channel resource *does not* create a stream key" (user guide, aws-resource-ivs-channel): the key goes.
        if (out.streamKey?.arn) {
          try {
            await this.ivs().send(new DeleteStreamKeyCommand({ arn: out.streamKey.arn }));
          } catch (err) {
            throw new ProvisionError((err as Error).message, made.physicalId, made.attributes, err);
          }
        }
        return made;
      },
      update: async (_ctx, current, oldProps, props) => {
        const input = updateInput(schema, oldProps, props, this.settings.removedProperties);
        let result = current;
        if (Object.keys(input).length > 0) {
          const out = await this.ivs().send(new UpdateChannelCommand({ arn: current.physicalId, ...input }));
          result = { physicalId: current.physicalId, attributes: attributes(out.channel!) };
        }
        await this.retag(current.physicalId, oldProps, props);
        return result;
      },
      delete: (_ctx, current) => this.remove(() => this.ivs().send(new DeleteChannelCommand({ arn: current.physicalId }))),
    };
  }

  private streamKey(): ResourceProvider {
    // Ref = Arn; GetAtt Arn, Value (user guide, aws-resource-ivs-streamkey). ChannelArn is createOnly.
    return {
      sensitiveAttributes: ['Value'],
      create: async (_ctx, props) => {
        const tags = tagMap(props);
        const out = await this.ivs().send(new CreateStreamKeyCommand({
          channelArn: String(props.ChannelArn), ...(Object.keys(tags).length > 0 ? { tags } : {}),
        }));
        return { physicalId: out.streamKey!.arn!, attributes: { Arn: out.streamKey!.arn!, Value: out.streamKey!.value ?? '' } };
      },
      update: async (_ctx, current, oldProps, props) => {
        await this.retag(current.physicalId, oldProps, props);
        return current;
      },
      delete: (_ctx, current) => this.remove(() => this.ivs().send(new DeleteStreamKeyCommand({ arn: current.physicalId }))),
    };
  }

  private playbackKeyPair(): ResourceProvider {
    const schema = this.schema('AWS::IVS::PlaybackKeyPair');
    // GetAtt Arn, Fingerprint (user guide, aws-resource-ivs-playbackkeypair). Name and PublicKeyMaterial are createOnly.
    return {
      create: async (_ctx, props) => {
        const out = await this.ivs().send(new ImportPlaybackKeyPairCommand(createInput(schema, props) as never));
        return { physicalId: out.keyPair!.arn!, attributes: { Arn: out.keyPair!.arn!, Fingerprint: out.keyPair!.fingerprint ?? '' } };
      },
      update: async (_ctx, current, oldProps, props) => {
        await this.retag(current.physicalId, oldProps, props);
        return current;
      },
      delete: (_ctx, current) => this.remove(() => this.ivs().send(new DeletePlaybackKeyPairCommand({ arn: current.physicalId }))),
    };
  }

  private recordingConfiguration(): ResourceProvider {
    const schema = this.schema('AWS::IVS::RecordingConfiguration');
    // GetAtt Arn, State: "CREATING | CREATE_FAILED | ACTIVE" (user guide, aws-resource-ivs-recordingconfiguration);
    // the create waits for ACTIVE. Every property but Tags is createOnly.
    return {
      create: async (_ctx, props) => {
        const out = await this.ivs().send(new CreateRecordingConfigurationCommand(createInput(schema, props) as never));
        const arn = out.recordingConfiguration!.arn!;
        let state = out.recordingConfiguration!.state ?? 'ACTIVE';
        for (let i = 0; state === 'CREATING' && i < 300; i++) {
          await sleep(1000);
          state = (await this.ivs().send(new GetRecordingConfigurationCommand({ arn }))).recordingConfiguration?.state ?? 'ACTIVE';
        }
        if (state !== 'ACTIVE') throw new ProvisionError(`Recording configuration ${arn} is ${state}`, arn, { Arn: arn, State: state });
        return { physicalId: arn, attributes: { Arn: arn, State: state } };
      },
      update: async (_ctx, current, oldProps, props) => {
        await this.retag(current.physicalId, oldProps, props);
        return current;
      },
      delete: (_ctx, current) => this.remove(() => this.ivs().send(new DeleteRecordingConfigurationCommand({ arn: current.physicalId }))),
    };
  }

  private playbackRestrictionPolicy(): ResourceProvider {
    const schema = this.schema('AWS::IVS::PlaybackRestrictionPolicy');
    // GetAtt Arn (the schema's only attribute); no property is createOnly: every change updates in place.
    return {
      create: async (_ctx, props) => {
        const out = await this.ivs().send(new CreatePlaybackRestrictionPolicyCommand(createInput(schema, props)));
        return { physicalId: out.playbackRestrictionPolicy!.arn!, attributes: { Arn: out.playbackRestrictionPolicy!.arn! } };
      },
      update: async (_ctx, current, oldProps, props) => {
        const input = updateInput(schema, oldProps, props, this.settings.removedProperties);
        if (Object.keys(input).length > 0) await this.ivs().send(new UpdatePlaybackRestrictionPolicyCommand({ arn: current.physicalId, ...input }));
        await this.retag(current.physicalId, oldProps, props);
        return current;
      },
      delete: (_ctx, current) => this.remove(() => this.ivs().send(new DeletePlaybackRestrictionPolicyCommand({ arn: current.physicalId }))),
    };
  }
}
