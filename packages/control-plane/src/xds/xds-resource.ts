/**
 * Wraps a wire message as a named XdsResource, once per message object: a
 * message shared by many proxies (a cached translation result) gets one
 * wrapper, so what each proxy is kept for config_dump (SentResources) is a
 * list of references to shared resources, not a copy per proxy.
 */
import type { XdsResource } from './types.ts';

const wrappers = new WeakMap<object, XdsResource>();

export function xdsResource(name: string, message: object): XdsResource {
  const found = wrappers.get(message);
  if (found && found.name === name) return found;
  const made: XdsResource = { name, resource: message as XdsResource['resource'] };
  if (!found) wrappers.set(message, made);
  return made;
}
