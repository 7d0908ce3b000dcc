/** RDS: envoy.config.route.v3.RouteConfiguration → route-table's RouteTableConfig (its parser is the boundary). */
import { TypeUrl } from '@skiff/api';
import { parseRouteConfiguration, type RouteTableConfig } from '../../http/route-table/index.ts';
import { joinFailures, type ResourceType } from './resource-type.ts';

export const routeResourceType: ResourceType<RouteTableConfig> = {
  typeUrl: TypeUrl.RouteConfiguration,
  shortName: 'rds',
  isFullState: false,
  nameOf: (wire) => String(wire.name ?? ''),
  parse: (wire) => parseRouteConfiguration(wire),
  // Envoy's RDS rejects with the route configuration's validation exception.
  rejectionMessage: joinFailures,
};
