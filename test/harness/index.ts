/**
 * Local deploy harness: plays CloudFormation for a stack of a synthesized cloud assembly, running
 * its custom resources through their asset exactly as synthesized and creating its secrets, IAM
 * roles and IVS resources through the emulator. See deployment.ts.
 *
 *   const stack = await deploy('cdk.out', 'MyStack', { endpoint: emulator.url, onProgress: console.log });
 *   stack.result.stackStatus;     // 'CREATE_COMPLETE' or 'ROLLBACK_COMPLETE'
 *   stack.outputs;                // resolved Outputs
 *   await stack.update('cdk.out.v2');
 *   await stack.destroy();
 */
export {
  deploy, Deployment, formatProgress, isCustomResourceType, SIMULATED_TYPES, CREATE_FAILED_MARKER, DEFAULT_CREDENTIALS, REPLACEMENT_ROLLBACK_VARIANTS,
} from './deployment';
export { loadStack, assetDirectory } from './assembly';
export type { StackArtifact } from './assembly';
export { Resolver, TemplateError, stringifyScalars, referencedIds, jsonEqual } from './intrinsics';
export type { Json, JsonObject } from './intrinsics';
export { ResponseServer } from './response-server';
export { resourceSchema, validateProperties, replacingChanges, ModelValidationError } from './cfn-schema';
export type { ResourceSchema, PropertySchema } from './cfn-schema';
export type { FunctionSpec } from './lambda-runner';
export * from './types';
