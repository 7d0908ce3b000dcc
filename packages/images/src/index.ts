/**
 * @skiff/images — the built-in images of the local cluster: local programs
 * standing in for the container images the seed labs and Istio's samples use.
 */
export { resolveImage, builtinCommand, unknownImageMessage, type BuiltinImage } from './resolve-image.ts';
