// Functions run on Lambda's nodejs22.x; tests may run on a local Node 20, where the AWS SDK warns about a Node
// version production never uses. Keep test output to what the tests say.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
