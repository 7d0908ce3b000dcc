/**
 * Reads a bootstrap file (JSON or YAML; YAML is a superset of JSON, so one
 * parser reads both) and parses it. Syntax errors carry the file and line;
 * schema errors the field path, prefixed with the file name.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { fail, type Result } from '@skiff/common';
import { parseBootstrap } from './parse-bootstrap.ts';
import type { BootstrapConfig } from './types.ts';

export async function loadBootstrapFile(path: string): Promise<Result<BootstrapConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return fail(`${path}: cannot read the bootstrap file: ${(err as Error).message}`);
  }
  return parseBootstrapText(text, path);
}

export function parseBootstrapText(text: string, fileName: string): Result<BootstrapConfig> {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return fail(...doc.errors.map((e) => `${fileName}:${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0]}`));
  }
  const parsed = parseBootstrap(doc.toJS());
  return parsed.ok ? parsed : fail(...parsed.errors.map((e) => `${fileName}: ${e}`));
}
