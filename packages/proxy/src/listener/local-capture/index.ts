/** Local capture mode: iptables' inbound and outbound redirection emulated by the proxy (ADR 0004). */
export { LocalCapture, type LocalCaptureConfig } from './local-capture.ts';
export { InboundCapture, inboundCapturePorts } from './inbound-capture.ts';
export { acceptProxyConnection, parseProxyRequestHead, type ProxyRequestTarget } from './http-proxy-front.ts';
