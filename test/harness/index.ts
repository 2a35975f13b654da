/**
 * Local deploy harness: plays CloudFormation for the custom resources of a synthesized cloud
 * assembly, running each through its asset exactly as synthesized. See deployment.ts.
 *
 *   const stack = await deploy('cdk.out', 'MyStack', { endpoint: emulator.url, onProgress: console.log });
 *   stack.result.stackStatus;     // 'CREATE_COMPLETE' or 'ROLLBACK_COMPLETE'
 *   stack.outputs;                // resolved Outputs
 *   await stack.update('cdk.out.v2');
 *   await stack.destroy();
 */
export { deploy, Deployment, formatProgress, isCustomResourceType, SIMULATED_TYPES, CREATE_FAILED_MARKER, DEFAULT_CREDENTIALS } from './deployment';
export { loadStack, assetDirectory } from './assembly';
export type { StackArtifact } from './assembly';
export { Resolver, TemplateError, stringifyScalars, referencedIds, jsonEqual } from './intrinsics';
export type { Json, JsonObject } from './intrinsics';
export { ResponseServer } from './response-server';
export type { FunctionSpec } from './lambda-runner';
export * from './types';
