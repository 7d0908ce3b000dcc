/** Envoy's admin interface for the proxy, its config dump and clusters renderings, and run-time log levels. */
export { AdminServer, type AdminServerOptions, type AdminXdsSource, type ServerState } from './admin-server.ts';
export { AgentServer, type AgentServerOptions, type ReadinessSource } from './agent-server.ts';
export { buildConfigDump, type ConfigDumpInput } from './config-dump.ts';
export { formatClustersText, healthFlags, HOST_COUNTERS, type HostCounter, type HostStatsSource } from './clusters-text.ts';
export { LogLevels, LOG_LEVELS, LOGGERS, isLogLevel, type LogLevel } from './log-levels.ts';
