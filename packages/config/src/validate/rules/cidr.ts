/** IP addresses and CIDR blocks (v4 and v6), as Istio's ValidateIPSubnet accepts them. */
import { isIP } from 'node:net';

export function isIpAddress(value: string): boolean {
  return isIP(value) !== 0;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address. */
export function isCidrOrIp(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return isIpAddress(value);
  const ip = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  const family = isIP(ip);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}
