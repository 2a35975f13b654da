// Public API of cdk-ivs: a drop-in superset of @aws-cdk/aws-ivs-alpha.
export * from './channel';
export * from './stream-key';
export * from './playback-key-pair';
export * from './recording-configuration';
export * from './playback-restriction-policy';
export * from './cross-account';
export * from './channel-lookup';
export * from './channel-lookup-options';
