export { FakeAdsClient, type FakeAdsClientOptions, type ReceivedResponse, type AckDecision, type AdsProtocol } from './fake-ads-client.ts';
export { FakeMesh, fakeGenerators, sidecarId, type FakeEntry, type FakeMeshState } from './fake-mesh.ts';
export { ConfigGen, configGen, sidecarProxy, routerProxy, assertEncodes, TEST_IP_ANNOTATION, type ConfigGenOptions, type TestProxyOptions } from './config-gen.ts';
export { FakeControlPlane, type FakeProtocol, type ObservedRequest, type SentResponse, type AckRecord as FakeAckRecord, type NackRecord as FakeNackRecord } from './fake-control-plane.ts';
