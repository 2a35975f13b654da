// Runs before every test file: quiets the SDK's one-time Node 20 support warning, which only adds
// noise to the output (the Lambda runtime is Node 24).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
