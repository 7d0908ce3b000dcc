/**
 * Wire types of the xDS discovery protocol (envoy.service.discovery.v3), as
 * @grpc/proto-loader decodes them with keepCase, longs and enums as strings,
 * and oneofs: proto field names, snake_case. Only the fields Skiff reads or
 * writes are typed; google.protobuf.Any stays packed ({type_url, value}).
 */

export interface Any {
  type_url: string;
  value: Uint8Array;
}

/** google.protobuf.Struct / Value in proto-loader's object form. */
export interface StructWire {
  fields?: Record<string, ValueWire>;
}

/**
 * google.protobuf.Value as decoded by either loader: @grpc/proto-loader (the
 * ADS messages) spells the oneof in camelCase (protobufjs's built-in
 * struct.proto); the resource codec uses the proto names. Readers accept both.
 */
export interface ValueWire {
  nullValue?: 'NULL_VALUE' | 0;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: StructWire;
  listValue?: { values?: ValueWire[] };
  null_value?: 'NULL_VALUE' | 0;
  number_value?: number;
  string_value?: string;
  bool_value?: boolean;
  struct_value?: StructWire;
  list_value?: { values?: ValueWire[] };
  kind?: string;
}

export interface Locality {
  region?: string;
  zone?: string;
  sub_zone?: string;
}

export interface Node {
  id?: string;
  cluster?: string;
  metadata?: StructWire | null;
  locality?: Locality | null;
  user_agent_name?: string;
  user_agent_version?: string;
}

/** google.rpc.Status. */
export interface RpcStatus {
  code?: number;
  message?: string;
  details?: Any[];
}

export interface DiscoveryRequest {
  version_info?: string;
  node?: Node | null;
  resource_names?: string[];
  type_url?: string;
  response_nonce?: string;
  error_detail?: RpcStatus | null;
}

export interface DiscoveryResponse {
  version_info: string;
  resources: Any[];
  type_url: string;
  nonce: string;
  control_plane?: { identifier?: string } | null;
}

export interface DeltaDiscoveryRequest {
  node?: Node | null;
  type_url?: string;
  resource_names_subscribe?: string[];
  resource_names_unsubscribe?: string[];
  initial_resource_versions?: Record<string, string>;
  response_nonce?: string;
  error_detail?: RpcStatus | null;
}

export interface Resource {
  name: string;
  aliases?: string[];
  version: string;
  resource: Any | null;
}

export interface DeltaDiscoveryResponse {
  system_version_info: string;
  resources: Resource[];
  type_url: string;
  removed_resources: string[];
  nonce: string;
}
