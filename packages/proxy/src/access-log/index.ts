/** Access logs (Envoy's access loggers): compiled formats, filters, non-blocking file sinks, and the HTTP/TCP contexts they read. */
export { AccessLogs, parseAccessLogs, type AccessLoggerConfig, type SinkLookup } from './access-logger.ts';
export { compileTextFormat, compileJsonFormat, ENVOY_DEFAULT_FORMAT, ISTIO_TEXT_FORMAT, ISTIO_JSON_FORMAT, type LogFormatter } from './format.ts';
export { FileLogSink, LogSinks, type LogSink } from './log-sink.ts';
export { joinHostPort, type AccessLogContext } from './context.ts';
export { httpAccessLogContext } from './http-context.ts';
export { tcpAccessLogContext } from './tcp-context.ts';
