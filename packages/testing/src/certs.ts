/**
 * Real X.509 certificates for tests, made with @peculiar/x509 over WebCrypto
 * (ECDSA P-256, SHA-256, as Istio's CA issues them): a self-signed root,
 * and leaves it signs with SPIFFE URI SANs and/or DNS names, PEM-encoded so
 * they can go into Envoy Secret messages (inline_string / inline_bytes) or
 * straight into node:tls. Validity defaults to [now − 1 h, now + 1 day];
 * tests that need an expired or not-yet-valid certificate pass the dates.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const HOUR_MS = 3_600_000;

export interface TestCertificate {
  /** PEM, the leaf (or root) certificate only. */
  readonly certPem: string;
  /** PEM, PKCS#8. */
  readonly keyPem: string;
  /** Leaf followed by its issuer (what a workload presents). */
  readonly chainPem: string;
  readonly serialNumber: string;
}

export interface IssueOptions {
  readonly commonName?: string;
  /** URI SANs, e.g. `spiffe://cluster.local/ns/default/sa/reviews`. */
  readonly uris?: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export interface TestCa extends TestCertificate {
  /** Signs a leaf usable as a server and as a client (serverAuth + clientAuth). */
  issue(options?: IssueOptions): Promise<TestCertificate>;
}

let serial = 1;

function nextSerial(): string {
  serial++;
  return serial.toString(16).padStart(2, '0').padStart(16, '1');
}

async function exportKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

/** A self-signed root CA (10 years unless told otherwise). */
export async function createTestCa(options: { commonName?: string; notBefore?: Date; notAfter?: Date } = {}): Promise<TestCa> {
  const keys = await newKeys();
  const now = Date.now();
  const name = `CN=${options.commonName ?? 'Skiff Test Root CA'}, O=cluster.local`;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name,
    notBefore: options.notBefore ?? new Date(now - HOUR_MS),
    notAfter: options.notAfter ?? new Date(now + 3650 * 24 * HOUR_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = root.toString('pem') + '\n';
  return {
    certPem,
    keyPem: await exportKeyPem(keys.privateKey),
    chainPem: certPem,
    serialNumber: root.serialNumber,
    async issue(o: IssueOptions = {}): Promise<TestCertificate> {
      const leafKeys = await newKeys();
      const sans: x509.JsonGeneralName[] = [
        ...(o.uris ?? []).map((value) => ({ type: 'url' as const, value })),
        ...(o.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ];
      const extensions: x509.Extension[] = [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
      ];
      if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans, o.commonName === undefined));
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: nextSerial(),
        subject: o.commonName !== undefined ? `CN=${o.commonName}` : '',
        issuer: root.subject,
        notBefore: o.notBefore ?? new Date(Date.now() - HOUR_MS),
        notAfter: o.notAfter ?? new Date(Date.now() + 24 * HOUR_MS),
        publicKey: leafKeys.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: ALG,
        extensions,
      });
      const leafPem = leaf.toString('pem') + '\n';
      return { certPem: leafPem, keyPem: await exportKeyPem(leafKeys.privateKey), chainPem: leafPem + certPem, serialNumber: leaf.serialNumber };
    },
  };
}

/** `spiffe://<trustDomain>/ns/<ns>/sa/<sa>`, Istio's workload identity. */
export function spiffeId(namespace: string, serviceAccount: string, trustDomain = 'cluster.local'): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}
