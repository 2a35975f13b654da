// Channel.fromLookup (internal part): a synth-time lookup that the aws-cdk CLI performs through its built-in Cloud
// Control context provider (`cc-api-provider`, type AWS::IVS::Channel), cached in cdk.context.json.
// Cloud Control gives what the CloudFormation schema of AWS::IVS::Channel holds; the SRT endpoint, the
// playback restriction policy and the stream key need ChannelLookup (deploy time).

import { Annotations, Arn, ArnFormat, ContextProvider, DefaultStackSynthesizer, Stack, Token } from 'aws-cdk-lib';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import * as cxapi from 'aws-cdk-lib/cx-api';
import type { Construct, IConstruct } from 'constructs';
import type { MultitrackInputConfiguration } from './channel';
import type { ChannelLookupOptions } from './channel-lookup-options';
import { checkString, fail } from './validation';

/** The looked-up values, before they become an ILookedUpChannel (channel.ts). */
export interface ChannelContextValues {
  readonly arn: string;
  readonly name: string;
  readonly type: string;
  readonly latencyMode: string;
  readonly authorized: boolean;
  readonly insecureIngest: boolean;
  readonly preset: string;
  readonly recordingConfigurationArn: string;
  readonly containerFormat: string;
  readonly multitrack?: MultitrackInputConfiguration;
  readonly ingestEndpoint: string;
  readonly playbackUrl: string;
}

const TYPE_NAME = 'AWS::IVS::Channel';

/** Read-only attributes of the CloudFormation schema of AWS::IVS::Channel: every read returns them. */
const ALWAYS = ['Arn', 'IngestEndpoint', 'PlaybackUrl'];

/**
 * The schema's other properties, with the schema's defaults for when a read leaves one out (the Cloud
 * Control documentation does not say whether a read returns properties whose value is empty or off).
 */
const OPTIONAL: { readonly [property: string]: unknown } = {
  Name: '',
  Type: 'STANDARD',
  LatencyMode: 'LOW',
  Authorized: false,
  InsecureIngest: false,
  Preset: '',
  RecordingConfigurationArn: '',
  ContainerFormat: 'TS',
  MultitrackInputConfiguration: { Enabled: false },
};

/** The CLI's words when a property to return is missing from a resource (findJsonValue in toolkit-lib). */
const MISSING_PROPERTY = /Cannot read field/;
/** The CLI's words when no resource matched (NoResultsFoundError). */
const NOT_FOUND = /No resource of type|Could not find any resources matching/;

const DUMMY_ID = 'dummy0channel';

/**
 * Looks a channel up in the context (the CLI fills it in on the first synth, which gets dummy values).
 * Errors are reported as error annotations on `scope`, as aws-cdk-lib's lookups do.
 */
export function lookUpChannelContext(scope: Construct, options: ChannelLookupOptions): ChannelContextValues {
  const stack = Stack.of(scope);
  const { channelArn, channelName } = options;
  if ((channelArn === undefined) === (channelName === undefined)) {
    fail(scope, `Channel.fromLookup needs exactly one of channelArn and channelName, got ${channelArn === undefined ? 'neither' : 'both'}`);
  }
  for (const [name, value] of Object.entries(options)) {
    if (Token.isUnresolved(value)) fail(scope, `Channel.fromLookup needs concrete values (no tokens), got a token for ${name}`);
  }
  checkString(scope, 'channelArn', channelArn, 'ChannelArn');
  const arnParts = channelArn !== undefined ? Arn.split(channelArn, ArnFormat.SLASH_RESOURCE_NAME) : undefined;
  const account = options.account ?? arnParts?.account ?? stack.account;
  const region = options.region ?? arnParts?.region ?? stack.region;
  if (Token.isUnresolved(account) || Token.isUnresolved(region)) {
    fail(scope, 'Channel.fromLookup needs the account and region: give the stack an env with account and region, or pass account and region');
  }
  const where = `account ${account}, region ${region}`;
  const query = new Query(scope, { account, region, ...roleOf(scope, options, account) });

  let arn = channelArn;
  if (arn === undefined) {
    const match = query.get({ propertyMatch: { Name: channelName }, propertiesToReturn: ['Arn'], expectedMatchCount: 'exactly-one' }, [{ Arn: dummyArn(region) }]);
    if (match.error !== undefined) {
      query.report(MISSING_PROPERTY.test(match.error)
        ? `Channel.fromLookup: Cloud Control's ListResources lists AWS::IVS::Channel without names in ${where}, so a channel cannot be found by name `
          + `there: look it up by channelArn, or read it at deploy time with ChannelLookup. The CLI said: ${match.error}`
        : NOT_FOUND.test(match.error) ? `Channel.fromLookup: no channel named '${channelName}' in ${where}. The CLI said: ${match.error}`
          : `Channel.fromLookup: looking for the channel named '${channelName}' in ${where} failed: ${match.error}`);
    }
    // Until the name's query answers with a channel, the dummy stands in (no query for the dummy's ARN).
    if (match.missing || match.error !== undefined) return channelValues(dummyProperties(dummyArn(region), region));
    arn = String(match.value[0]?.Arn ?? dummyArn(region));
  }

  const notFound = (error: string) => query.report(NOT_FOUND.test(error)
    ? `Channel.fromLookup: no channel ${arn} in ${where}. The CLI said: ${error}`
    : `Channel.fromLookup: reading channel ${arn} in ${where} failed: ${error}`);
  const dummy = dummyProperties(arn, region);
  // One query for every property; where a read leaves some out, the CLI refuses it, and each
  // optional property is then read on its own, its absence meaning the schema's default.
  const all = query.get({ exactIdentifier: arn, propertiesToReturn: [...ALWAYS, ...Object.keys(OPTIONAL)] }, [dummy]);
  let properties: { [name: string]: unknown } = all.value[0] ?? dummy;
  if (all.error !== undefined && MISSING_PROPERTY.test(all.error)) {
    const always = query.get({ exactIdentifier: arn, propertiesToReturn: ALWAYS }, [dummy]);
    if (always.error !== undefined) notFound(always.error);
    properties = { ...dummy, ...always.value[0] };
    for (const [name, fallback] of Object.entries(OPTIONAL)) {
      const one = query.get({ exactIdentifier: arn, propertiesToReturn: [name] }, [{ [name]: fallback }]);
      if (one.error !== undefined && !MISSING_PROPERTY.test(one.error)) notFound(one.error);
      properties[name] = one.error === undefined ? one.value[0]?.[name] ?? fallback : fallback;
    }
  } else if (all.error !== undefined) {
    notFound(all.error);
  }
  return channelValues(properties);
}

/** The values of a channel from its (Cloud Control) properties. */
function channelValues(properties: { [name: string]: unknown }): ChannelContextValues {
  const multitrack = properties.MultitrackInputConfiguration as { Enabled?: boolean; Policy?: string; MaximumResolution?: string } | undefined;
  return {
    arn: String(properties.Arn),
    name: String(properties.Name ?? ''),
    type: String(properties.Type ?? OPTIONAL.Type),
    latencyMode: String(properties.LatencyMode ?? OPTIONAL.LatencyMode),
    authorized: properties.Authorized === true || properties.Authorized === 'true',
    insecureIngest: properties.InsecureIngest === true || properties.InsecureIngest === 'true',
    preset: String(properties.Preset ?? ''),
    recordingConfigurationArn: String(properties.RecordingConfigurationArn ?? ''),
    containerFormat: String(properties.ContainerFormat ?? OPTIONAL.ContainerFormat),
    multitrack: multitrack?.Enabled
      ? { policy: multitrack.Policy, maximumResolution: multitrack.MaximumResolution } as MultitrackInputConfiguration
      : undefined,
    ingestEndpoint: String(properties.IngestEndpoint),
    playbackUrl: String(properties.PlaybackUrl),
  };
}

function dummyArn(region: string): string {
  return `arn:aws:ivs:${region}:123456789012:channel/${DUMMY_ID}`;
}

/** The properties of the first synthesis: the channel's ARN, dummy endpoints and the schema's defaults. */
function dummyProperties(arn: string, region: string): { [name: string]: unknown } {
  return { Arn: arn, IngestEndpoint: 'dummy.global-contribute.live-video.net',
    PlaybackUrl: `https://dummy.${region}.playback.live-video.net/api/video/v1/dummy.m3u8`, ...OPTIONAL };
}

/**
 * The lookup role the CLI assumes. aws-cdk-lib gives every missing context of a stack its
 * synthesizer's lookup role (of the stack's own account); a lookup in another account, or with a role
 * of its own, reports its query itself (reportMissing), with that role: by default the target
 * account's bootstrap lookup role, whose placeholders the CLI fills in with the query's account and region.
 */
function roleOf(scope: Construct, options: ChannelLookupOptions, account: string): { lookupRoleArn?: string; lookupRoleExternalId?: string } {
  if (options.lookupRoleArn !== undefined) return { lookupRoleArn: options.lookupRoleArn, lookupRoleExternalId: options.lookupRoleExternalId };
  if (account === Stack.of(scope).account) return {};
  const qualifier = scope.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  return {
    lookupRoleArn: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-${qualifier}-lookup-role-\${AWS::AccountId}-\${AWS::Region}`,
    lookupRoleExternalId: options.lookupRoleExternalId,
  };
}

/** aws-cdk-lib's hook for a construct's own contribution to the cloud assembly (core/lib/private/synthesis). */
const CUSTOM_SYNTHESIS = Symbol.for('@aws-cdk/core:customSynthesis');

interface QueryScope {
  readonly account: string;
  readonly region: string;
  readonly lookupRoleArn?: string;
  readonly lookupRoleExternalId?: string;
}

/** The answer to one query: `error` holds the provider's error when it failed; `missing` is set until the CLI answers. */
interface Answer {
  readonly value: Array<{ [name: string]: unknown }>;
  readonly error?: string;
  readonly missing?: boolean;
}

/** Context queries of one lookup: read from the context, or reported missing with a dummy value. */
class Query {
  private readonly missing: cxschema.MissingContext[] = [];
  private reported = false;

  constructor(private readonly scope: Construct, private readonly where: QueryScope) {}

  /** The value of one cc-api-provider query (the dummy until answered, or when it failed). */
  get(props: { [name: string]: unknown }, dummyValue: Array<{ [name: string]: unknown }>): Answer {
    const { account, region, lookupRoleArn, lookupRoleExternalId } = this.where;
    const queryProps = { account, region, typeName: TYPE_NAME, ...props };
    const { key } = ContextProvider.getKey(this.scope, { provider: cxschema.ContextProvider.CC_API_PROVIDER, props: queryProps, includeEnvironment: false });
    const value = this.scope.node.tryGetContext(key);
    if (value === undefined) {
      const missing = {
        key,
        provider: cxschema.ContextProvider.CC_API_PROVIDER,
        props: { ...queryProps, dummyValue, ignoreErrorOnMissingContext: false } as unknown as cxschema.ContextQueryProperties,
      };
      // The stack's report gets the stack's lookup role; our own (first in the assembly: a construct
      // is synthesized before its stack, and the first report of a key wins) carries this lookup's role.
      Stack.of(this.scope).reportMissingContextKey(missing);
      if (lookupRoleArn !== undefined) this.reportMissing({ ...missing, props: { ...missing.props, lookupRoleArn, lookupRoleExternalId } });
      return { value: dummyValue, missing: true };
    }
    if (typeof value === 'object' && value !== null && cxapi.PROVIDER_ERROR_KEY in value) {
      return { value: dummyValue, error: String((value as { [k: string]: unknown })[cxapi.PROVIDER_ERROR_KEY]) };
    }
    if (!Array.isArray(value)) {
      return { value: dummyValue, error: `the context holds ${JSON.stringify(value).slice(0, 80)} under ${key}, not a list: reset it (cdk context --reset)` };
    }
    return { value };
  }

  /** An error annotation (synth fails with it, after the lookup round), once per lookup. */
  report(message: string): void {
    if (this.reported) return;
    this.reported = true;
    // aws-cdk-lib reads a message ending in `(<prefix>::<rule>)` as a rule ID (core/lib/private/annotation-plugin),
    // and the CLI's texts name AWS::IVS::Channel: the message ends with a period.
    Annotations.of(this.scope).addError(/\.$/.test(message) ? message : `${message}.`);
  }

  private reportMissing(missing: cxschema.MissingContext): void {
    this.missing.push(missing);
    const target = this.scope as IConstruct & { [CUSTOM_SYNTHESIS]?: unknown };
    if (target[CUSTOM_SYNTHESIS] === undefined) {
      Object.defineProperty(target, CUSTOM_SYNTHESIS, {
        value: {
          onSynthesize: (session: { assembly: { addMissing(m: cxschema.MissingContext): void } }) =>
            this.missing.forEach((m) => session.assembly.addMissing(m)),
        },
        enumerable: false,
      });
    }
  }
}
