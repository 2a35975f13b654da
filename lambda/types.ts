// The shapes the handler exchanges with the response wrapper (aws-cdk-lib's nodejs-entrypoint).

export type RequestType = 'Create' | 'Update' | 'Delete';

/** A CloudFormation custom resource event, as the wrapper passes it on. */
export interface CustomResourceEvent {
  readonly RequestType: RequestType;
  readonly ResourceType: string;
  readonly LogicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly [name: string]: unknown };
  readonly OldResourceProperties?: { readonly [name: string]: unknown };
}

/** The part of the Lambda context the handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** What the wrapper sends to CloudFormation: NoEcho hides Data from describe calls and its log line. */
export interface HandlerResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly [attribute: string]: string };
  readonly NoEcho?: boolean;
}
