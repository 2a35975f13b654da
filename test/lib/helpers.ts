// Shared setup for the construct tests (not a test file).
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** A stack in an App without aws-cdk-lib's per-synth CloudFormation validator (about 3 s each). */
export function newStack(id = 'TestStack'): Stack {
  const app = new App({ builtinCloudFormationValidation: false });
  return new Stack(app, id);
}

/** The synthesized template of a stack. */
export function template(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** The resources of one type, by logical ID. */
export function resourcesOf(stack: Stack, type: string): { [logicalId: string]: any } {
  return template(stack).findResources(type);
}

/** The only resource of a type (fails when there is not exactly one). */
export function onlyResource(stack: Stack, type: string): any {
  const found = Object.values(resourcesOf(stack, type));
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.length}`);
  }
  return found[0];
}

/** `count` tags k0=v0, k1=v1, ... */
export function tags(count: number): { [key: string]: string } {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, `v${i}`]));
}
