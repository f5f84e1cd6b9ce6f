// Runs before every test file: the functions' JSON logs stay quiet unless a test turns them on to read them,
// and the AWS SDK's Node 20 notice does not drown the output.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
