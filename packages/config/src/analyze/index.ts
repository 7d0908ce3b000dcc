/** `analyze`: Istio's cross-resource analyzers and their messages (IST codes), over parsed manifests. */
export { analyzeSources, analyzeParsed, hasMessagesAtLeast, type AnalyzeOptions, type AnalysisResult } from './analyze.ts';
export type { Analyzer, AnalysisContext, AnalysisMessage, AnalyzedResource, KindRef, MessageOrigin } from './analyzer.ts';
export { type MessageType, type Level, formatTemplate } from './message-type.ts';
export { DOCUMENTATION_BASE, formatMessages, formatMessageLine, messageRecord, messageText, type OutputFormat } from './output.ts';
export { parseSuppression, isSuppressed, type Suppression } from './suppression.ts';
export { ALL_ANALYZERS } from './analyzers/index.ts';
export { ALL_MESSAGE_TYPES } from './messages.gen.ts';
export * as messages from './messages.gen.ts';
