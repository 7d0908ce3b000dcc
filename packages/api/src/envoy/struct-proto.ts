/**
 * google/protobuf/struct.proto with its proto field names (`string_value`,
 * `list_value`...), for the resource codec's protobufjs root.
 *
 * protobufjs bundles its own definitions of the well-known types and uses
 * them in place of any .proto file of that name. Its Struct and Value are
 * written with JSON names (`stringValue`), so under `keepCase` they were the
 * only camelCase messages among the snake_case Envoy ones, and a Struct
 * built with proto names (as @grpc/proto-loader and `jsonToStruct` write it)
 * lost every value on encode. The codec registers this definition first, so
 * the bundled one is never loaded into its root. protobufjs's global table
 * of bundled files is left alone: @grpc/proto-loader shares it.
 */
import type protobuf from 'protobufjs';

export const STRUCT_PROTO_FILE = 'google/protobuf/struct.proto';

const STRUCT_FIELDS: Record<string, protobuf.IMapField> = { fields: { keyType: 'string', type: 'Value', id: 1 } };

export const STRUCT_PROTO: protobuf.INamespace = {
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Struct: { fields: STRUCT_FIELDS },
            Value: {
              oneofs: { kind: { oneof: ['null_value', 'number_value', 'string_value', 'bool_value', 'struct_value', 'list_value'] } },
              fields: {
                null_value: { type: 'NullValue', id: 1 },
                number_value: { type: 'double', id: 2 },
                string_value: { type: 'string', id: 3 },
                bool_value: { type: 'bool', id: 4 },
                struct_value: { type: 'Struct', id: 5 },
                list_value: { type: 'ListValue', id: 6 },
              },
            },
            NullValue: { values: { NULL_VALUE: 0 } },
            ListValue: { fields: { values: { rule: 'repeated', type: 'Value', id: 1 } } },
          },
        },
      },
    },
  },
};
