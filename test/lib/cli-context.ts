// What the aws-cdk CLI does with the missing context of a cloud assembly, for the tests of
// Channel.fromLookup (not a test file). It follows the CLI's own code (aws-cdk 2.1148, toolkit-lib,
// bundled in node_modules/aws-cdk/lib/index.js):
// - cloud-assembly source `ContextAwareCloudAssemblySource.produce`: synthesize; while context is
//   missing, provide it and synthesize again, until nothing is missing or the same keys stay missing.
// - context-providers/index.ts `provideContextValues`: lookupRoleArn placeholders take the query's
//   account and region; a provider's error becomes `{ $providerError: <message>, $dontSaveContext: true }`,
//   the message followed by its causes' messages, one per line (`formatErrorMessage`).
// - context-providers/cc-api-provider.ts: exactIdentifier is one GetResource (ResourceNotFoundException:
//   "No resource of type <type> with identifier: <id>", other errors wrapped as "Encountered CC API error
//   while getting <type> resource <id>"); propertyMatch is ListResources filtered on the match (an error,
//   a listed resource without the matched property included, is wrapped as "Encountered CC API error while
//   listing <type> resources matching <match>"), then the expectedMatchCount checks.
// - util/json.ts `getResultObj` / `findJsonValue`: each result holds propertiesToReturn and Identifier
//   only; a property the resource lacks fails the query: "Cannot read field <p>. <p> is not found.".
// - the context file keeps no value marked $dontSaveContext.

import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';

/**
 * Cloud Control's documentation does not say what a read or a list of AWS::IVS::Channel holds, so each
 * plausible answer is an option and the tests run under each.
 */
export interface CloudControlBehaviour {
  /** GetResource gives every property of the schema ('all'), or leaves out '' / false / a disabled multitrack input ('set'). */
  readonly reads: 'all' | 'set';
  /** ListResources gives each resource's properties as a read does ('properties'), or its primary identifier only ('identifiers'). */
  readonly lists: 'properties' | 'identifiers';
}

export const BEHAVIOURS: CloudControlBehaviour[] = [
  { reads: 'all', lists: 'properties' },
  { reads: 'set', lists: 'properties' },
  { reads: 'all', lists: 'identifiers' },
  { reads: 'set', lists: 'identifiers' },
];

/** A resource Cloud Control holds (properties as the CloudFormation schema of its type names them). */
export interface CloudResource {
  readonly account: string;
  readonly region: string;
  readonly typeName: string;
  readonly identifier: string;
  readonly properties: { readonly [name: string]: unknown };
}

/** A query the CLI performed: the missing context's props, with the role it assumed (placeholders filled in). */
export type PerformedQuery = { readonly [name: string]: any };

class ProviderError extends Error {}

/** An error wrapping its cause, as the CLI's `ContextProviderError.withCause`. */
class WrappedError extends Error {
  constructor(message: string, readonly cause: Error) {
    super(message);
  }
}

function formatErrorMessage(error: Error): string {
  return error instanceof WrappedError ? `${error.message}\n${formatErrorMessage(error.cause)}` : error.message;
}

function findJsonValue(object: { readonly [name: string]: unknown }, path: string): unknown {
  let value: any = object;
  for (const part of path.split('.')) {
    value = value[part];
    if (value === undefined) throw new TypeError(`Cannot read field ${path}. ${part} is not found.`);
  }
  return value;
}

function isSet(value: unknown): boolean {
  return value !== '' && value !== false && !(typeof value === 'object' && value !== null && (value as { Enabled?: unknown }).Enabled === false);
}

const MATCH_COUNT_TEXT: { [count: string]: string } = {
  'exactly-one': 'exactly one', 'at-most-one': 'at most one', 'at-least-one': 'at least one', 'any': 'any number',
};

/** The CLI with an account's Cloud Control behind it. */
export class Cli {
  /** Every query performed, in order. */
  public readonly queries: PerformedQuery[] = [];
  /** The context of the session (cdk.context.json plus this session's transient values). */
  public readonly context: { [key: string]: unknown } = {};
  /** Synthesis runs of the last `synth`. */
  public rounds = 0;

  /**
   * @param resources what Cloud Control holds
   * @param behaviour how it answers
   * @param denied when set, every Cloud Control call fails with this error (e.g. AccessDenied)
   */
  constructor(private readonly resources: CloudResource[], private readonly behaviour: CloudControlBehaviour, private readonly denied?: string) {}

  /** `cdk synth`: `build` makes the app's constructs; returns what the last synthesis built, and its assembly. */
  public synth<T>(build: (app: App) => T): { result: T; assembly: cxapi.CloudAssembly; app: App } {
    let previous: string | undefined;
    this.rounds = 0;
    for (;;) {
      const app = new App({ builtinCloudFormationValidation: false, context: { ...this.context } });
      const result = build(app);
      const assembly = app.synth();
      this.rounds++;
      const missing = assembly.manifest.missing ?? [];
      const keys = JSON.stringify(missing.map((m) => m.key).sort());
      if (missing.length === 0 || keys === previous) return { result, assembly, app };
      previous = keys;
      for (const query of missing) this.context[query.key] = this.provide(query.provider, query.props as { [name: string]: any });
    }
  }

  /** The context as cdk.context.json keeps it. */
  public saved(): { [key: string]: unknown } {
    const transient = (value: unknown) => typeof value === 'object' && value !== null && '$dontSaveContext' in value;
    return Object.fromEntries(Object.entries(this.context).filter(([, value]) => !transient(value)));
  }

  private provide(provider: string, props: { [name: string]: any }): unknown {
    if (provider !== 'cc-api-provider') throw new Error(`this model of the CLI only knows cc-api-provider, got ${provider}`);
    const lookupRoleArn = typeof props.lookupRoleArn === 'string'
      ? props.lookupRoleArn.replace(/\$\{AWS::Partition\}/g, 'aws').replace(/\$\{AWS::AccountId\}/g, props.account).replace(/\$\{AWS::Region\}/g, props.region)
      : undefined;
    this.queries.push({ ...props, lookupRoleArn });
    try {
      return this.getValue(props);
    } catch (error) {
      return { [cxapi.PROVIDER_ERROR_KEY]: formatErrorMessage(error as Error), $dontSaveContext: true };
    }
  }

  private getValue(args: { [name: string]: any }): unknown {
    if (args.exactIdentifier && args.propertyMatch) {
      throw new ProviderError('Provider protocol error: specify either exactIdentifier or propertyMatch, but not both');
    }
    const here = this.resources.filter((r) => r.account === args.account && r.region === args.region && r.typeName === args.typeName);
    let found: Array<{ identifier: string; properties: { readonly [name: string]: unknown } }>;
    if (args.exactIdentifier) {
      if (this.denied) {
        throw new WrappedError(`Encountered CC API error while getting ${args.typeName} resource ${args.exactIdentifier}`, new Error(this.denied));
      }
      const resource = here.find((r) => r.identifier === args.exactIdentifier);
      if (!resource) throw new ProviderError(`No resource of type ${args.typeName} with identifier: ${args.exactIdentifier}`);
      found = [{ identifier: resource.identifier, properties: this.read(resource.properties) }];
    } else {
      const match = JSON.stringify(args.propertyMatch);
      try {
        if (this.denied) throw new Error(this.denied);
        found = here.map((r) => ({ identifier: r.identifier, properties: this.listed(r) }))
          .filter((r) => Object.entries(args.propertyMatch).every(([path, expected]) => findJsonValue(r.properties, path) === expected));
        const count = args.expectedMatchCount ?? 'any';
        if ((count === 'at-most-one' || count === 'exactly-one') && found.length > 1) {
          throw new ProviderError(`Found ${found.length} resources matching ${match}; expected ${MATCH_COUNT_TEXT[count]}. Please narrow the search criteria`);
        }
        if ((count === 'at-least-one' || count === 'exactly-one') && found.length === 0) {
          throw new ProviderError(`Could not find any resources matching ${match}; expected ${MATCH_COUNT_TEXT[count]}.`);
        }
      } catch (error) {
        if (error instanceof ProviderError) throw error;
        throw new WrappedError(`Encountered CC API error while listing ${args.typeName} resources matching ${match}`, error as Error);
      }
    }
    return found.map((r) => ({
      ...Object.fromEntries((args.propertiesToReturn as string[]).map((name) => [name, findJsonValue(r.properties, name)])),
      Identifier: r.identifier,
    }));
  }

  private read(properties: { readonly [name: string]: unknown }): { readonly [name: string]: unknown } {
    return this.behaviour.reads === 'all' ? properties : Object.fromEntries(Object.entries(properties).filter(([, value]) => isSet(value)));
  }

  private listed(resource: CloudResource): { readonly [name: string]: unknown } {
    return this.behaviour.lists === 'properties' ? this.read(resource.properties) : { Arn: resource.identifier };
  }
}
