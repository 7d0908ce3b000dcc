/**
 * One TLS transport socket's context (Envoy's ContextImpl behind an SDS-aware
 * ContextConfig): the certificate and key, the trust bundle and SAN
 * matchers, resolved from inline/file data sources and SDS secrets through
 * the SecretManager, merged as Envoy merges combined_validation_context
 * (the SDS validation context merged into the default one), and turned into
 * a node:tls SecureContext. Built lazily and cached until any secret changes
 * (rotation): each new connection takes `current()`, open connections keep
 * the context they were made with.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { fail, ok, type Result } from '@skiff/common';
import type { CertificateValidationConfig, CommonTlsContextConfig, DataSourceConfig, TlsCertificateConfig } from './config.ts';
import { compileSanMatchers, type SanCheck } from './san-matcher.ts';
import type { SecretManager } from './secret-manager.ts';

export interface ResolvedTlsContext {
  readonly secureContext: SecureContext;
  /** What secureContext was made from (a tls.Server for downstream connections is built from the same). */
  readonly options: SecureContextOptions;
  /** A trust bundle is configured: the peer's chain is verified (unless acceptUntrusted). */
  readonly verifyChain: boolean;
  readonly sanCheck: SanCheck;
  readonly hasSanMatchers: boolean;
  readonly hasCertificate: boolean;
}

export type ReadDataSource = (source: DataSourceConfig) => Buffer;

export const readDataSource: ReadDataSource = (s) => (s.kind === 'inline' ? s.value : readFileSync(s.path));

/** Envoy's cipher list syntax allows `[A|B]` equal-preference groups; OpenSSL wants `A:B`. */
function opensslCiphers(suites: readonly string[]): string | undefined {
  if (suites.length === 0) return undefined;
  return suites.flatMap((s) => s.replace(/^\[|\]$/g, '').split('|')).join(':');
}

function mergeValidation(base: CertificateValidationConfig | undefined, dynamic: CertificateValidationConfig | undefined): CertificateValidationConfig | undefined {
  if (!base) return dynamic;
  if (!dynamic) return base;
  return {
    trustedCa: dynamic.trustedCa ?? base.trustedCa,
    matchTypedSubjectAltNames: [...base.matchTypedSubjectAltNames, ...dynamic.matchTypedSubjectAltNames],
    acceptUntrusted: base.acceptUntrusted || dynamic.acceptUntrusted,
  };
}

export class TlsContextProvider {
  readonly #common: CommonTlsContextConfig;
  readonly #secrets: SecretManager;
  readonly #read: ReadDataSource;
  #generation = -1;
  #cached: Result<ResolvedTlsContext> | undefined;

  constructor(common: CommonTlsContextConfig, secrets: SecretManager, read: ReadDataSource = readDataSource) {
    this.#common = common;
    this.#secrets = secrets;
    this.#read = read;
  }

  get alpnProtocols(): readonly string[] {
    return this.#common.alpnProtocols;
  }

  /** The context for a new connection; an error (missing secret, unreadable key) fails that connection only. */
  current(): Result<ResolvedTlsContext> {
    const generation = this.#secrets.generation;
    if (this.#cached === undefined || generation !== this.#generation) {
      this.#cached = this.#build();
      this.#generation = generation;
    }
    return this.#cached;
  }

  #build(): Result<ResolvedTlsContext> {
    const c = this.#common;
    let certificate: TlsCertificateConfig | undefined = c.tlsCertificates[0];
    if (!certificate && c.tlsCertificateSds.length > 0) {
      const ref = c.tlsCertificateSds[0];
      certificate = this.#secrets.resolve(ref)?.tlsCertificate;
      if (!certificate) return fail(`secret '${ref.name}' is not available (no tls_certificate)`);
    }
    let dynamic: CertificateValidationConfig | undefined;
    if (c.validationSds) {
      dynamic = this.#secrets.resolve(c.validationSds)?.validationContext;
      if (!dynamic) return fail(`secret '${c.validationSds.name}' is not available (no validation_context)`);
    }
    const validation = mergeValidation(c.validation, dynamic);
    try {
      const options: SecureContextOptions = {
        cert: certificate && this.#read(certificate.certificateChain),
        key: certificate && this.#read(certificate.privateKey),
        ca: validation?.trustedCa && this.#read(validation.trustedCa),
        minVersion: c.tlsParams.minVersion ?? 'TLSv1.2',
        maxVersion: c.tlsParams.maxVersion ?? 'TLSv1.3',
        ciphers: opensslCiphers(c.tlsParams.cipherSuites),
        ecdhCurve: c.tlsParams.ecdhCurves.length > 0 ? c.tlsParams.ecdhCurves.join(':') : undefined,
      };
      const secureContext = createSecureContext(options);
      const matchers = validation?.matchTypedSubjectAltNames ?? [];
      return ok({
        secureContext,
        options,
        verifyChain: validation?.trustedCa !== undefined && !validation.acceptUntrusted,
        sanCheck: compileSanMatchers(matchers),
        hasSanMatchers: matchers.length > 0,
        hasCertificate: certificate !== undefined,
      });
    } catch (err) {
      return fail(`Failed to load TLS context: ${(err as Error).message}`);
    }
  }
}
