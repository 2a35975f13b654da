// The bundle's stand-in for @aws-sdk/credential-provider-node (scripts/bundle-handler.js swaps it in; tests
// run the real one). Lambda hands the function its execution role's credentials in AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (Lambda developer guide, "Defined runtime environment
// variables"), so the SDK's default chain (profiles, SSO, process, web identity, container and instance
// metadata, and the nested STS / SSO clients they bring) has nothing to find there. Credentials of an
// assumed role come from Session's own AssumeRole, never from this provider.

import type { AwsCredentialIdentity } from '@smithy/types';

/** The SDK's default provider's signature: a function that returns the credential provider. */
export function defaultProvider(): () => Promise<AwsCredentialIdentity> {
  return async () => {
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
    if (!accessKeyId || !secretAccessKey) {
      // The name the SDK's own chain gives this failure; the message names no value.
      throw Object.assign(new Error('no credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (Lambda sets them)'),
        { name: 'CredentialsProviderError' });
    }
    const expiration = process.env.AWS_CREDENTIAL_EXPIRATION;
    return { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }), ...(expiration && { expiration: new Date(expiration) }) };
  };
}
