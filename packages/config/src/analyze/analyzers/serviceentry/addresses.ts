/**
 * Istio's serviceentry.Analyzer (ProtocolAddressesAnalyzer), IST0134: a
 * ServiceEntry without `addresses` cannot be told apart by destination IP, so
 * each port serving TCP (or no protocol, which means TCP) needs one. Not
 * reported when the mesh's proxies capture DNS and auto-allocate addresses
 * (proxyMetadata ISTIO_META_DNS_CAPTURE and ISTIO_META_DNS_AUTO_ALLOCATE both
 * "true" in an IstioOperator's meshConfig.defaultConfig).
 */
import { IstioOperatorKind, ServiceEntryKind, type ServiceEntry } from '@skiff/api';
import type { Analyzer } from '../../analyzer.ts';
import { ServiceEntryAddressesRequired } from '../../messages.gen.ts';

export const serviceEntryAddressesAnalyzer: Analyzer = {
  name: 'serviceentry.Analyzer',
  description: 'Checks the validity of ServiceEntry',
  inputs: [ServiceEntryKind],
  analyze(ctx) {
    const autoAllocated = ctx.list(IstioOperatorKind).some((op) => {
      const metadata = ((op.object.spec ?? {}) as { meshConfig?: { defaultConfig?: { proxyMetadata?: Record<string, string> } } })
        .meshConfig?.defaultConfig?.proxyMetadata ?? {};
      return metadata['ISTIO_META_DNS_CAPTURE'] === 'true' && metadata['ISTIO_META_DNS_AUTO_ALLOCATE'] === 'true';
    });
    if (autoAllocated) return;
    for (const se of ctx.list<ServiceEntry>(ServiceEntryKind)) {
      if ((se.object.spec?.addresses ?? []).length > 0) continue;
      (se.object.spec?.ports ?? []).forEach((port, i) => {
        if (port.protocol && port.protocol !== 'TCP') return;
        ctx.report(ServiceEntryAddressesRequired, se, ['spec', 'ports', i]);
      });
    }
  },
};
