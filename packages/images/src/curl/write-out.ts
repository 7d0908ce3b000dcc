/**
 * curl's -w/--write-out: `%{variable}` (http_code, time_total, ...),
 * `%header{name}`, `%{stderr}`/`%{stdout}` switches, `%%` and the
 * backslash escapes \n \r \t \\. Unknown variables print as curl prints them,
 * nothing (with a warning on stderr).
 */
import type { TransferResult } from './transfer.ts';

export interface WriteOutContext {
  readonly result: TransferResult;
  readonly exitCode: number;
  readonly numRedirects: number;
  readonly method: string;
  readonly sizeRequest: number;
  readonly sizeUpload: number;
}

export interface WriteOutPiece {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export function formatWriteOut(format: string, ctx: WriteOutContext, warn: (text: string) => void): WriteOutPiece[] {
  const pieces: WriteOutPiece[] = [];
  let stream: 'stdout' | 'stderr' = 'stdout';
  let text = '';
  const flush = (): void => {
    if (text) pieces.push({ stream, text });
    text = '';
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c === '\\' && i + 1 < format.length) {
      const e = format[++i];
      text += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === '\\' ? '\\' : `\\${e}`;
    } else if (c === '%' && format[i + 1] === '%') {
      text += '%';
      i++;
    } else if (c === '%' && format.startsWith('%{', i)) {
      const end = format.indexOf('}', i);
      if (end < 0) { text += format.slice(i); break; }
      const name = format.slice(i + 2, end);
      i = end;
      if (name === 'stderr' || name === 'stdout') {
        flush();
        stream = name;
        continue;
      }
      const value = variable(name, ctx);
      if (value === undefined) warn(`curl: unknown --write-out variable: '${name}'\n`);
      else text += value;
    } else if (c === '%' && format.startsWith('%header{', i)) {
      const end = format.indexOf('}', i);
      if (end < 0) { text += format.slice(i); break; }
      const wanted = format.slice(i + 8, end).toLowerCase();
      i = end;
      const raw = ctx.result.rawHeaders;
      const values: string[] = [];
      for (let h = 0; h < raw.length; h += 2) if (raw[h].toLowerCase() === wanted) values.push(raw[h + 1]);
      text += values.join(', ');
    } else {
      text += c;
    }
  }
  flush();
  return pieces;
}

export function headerSize(result: TransferResult): number {
  if (result.status === undefined) return 0;
  let size = `HTTP/${result.httpVersion} ${result.status} ${result.statusMessage ?? ''}\r\n`.length + 2;
  for (let i = 0; i < result.rawHeaders.length; i += 2) size += Buffer.byteLength(`${result.rawHeaders[i]}: ${result.rawHeaders[i + 1]}\r\n`);
  return size;
}

function variable(name: string, ctx: WriteOutContext): string | undefined {
  const r = ctx.result;
  const t = r.timings;
  const secs = (s: number): string => s.toFixed(6);
  const header = (n: string): string => {
    for (let h = 0; h < r.rawHeaders.length; h += 2) if (r.rawHeaders[h].toLowerCase() === n) return r.rawHeaders[h + 1];
    return '';
  };
  switch (name) {
    case 'http_code': case 'response_code': return String(r.status ?? 0).padStart(3, '0');
    case 'http_version': return r.httpVersion ?? '0';
    case 'time_namelookup': return secs(t.namelookup);
    case 'time_connect': return secs(t.connect);
    case 'time_appconnect': return secs(t.appconnect);
    case 'time_pretransfer': return secs(t.pretransfer);
    case 'time_starttransfer': return secs(t.starttransfer);
    case 'time_redirect': return secs(0);
    case 'time_total': return secs(t.total);
    case 'size_download': return String(r.body.length);
    case 'size_header': return String(headerSize(r));
    case 'size_request': return String(ctx.sizeRequest);
    case 'size_upload': return String(ctx.sizeUpload);
    case 'speed_download': return String(t.total > 0 ? Math.round(r.body.length / t.total) : 0);
    case 'speed_upload': return String(t.total > 0 ? Math.round(ctx.sizeUpload / t.total) : 0);
    case 'url_effective': case 'url': return r.url.href;
    case 'num_redirects': return String(ctx.numRedirects);
    case 'redirect_url': {
      const loc = header('location');
      return loc && r.status !== undefined && r.status >= 300 && r.status < 400 ? new URL(loc, r.url).href : '';
    }
    case 'remote_ip': return r.remoteIp ?? '';
    case 'remote_port': return r.remotePort === undefined ? '' : String(r.remotePort);
    case 'local_ip': return r.localIp ?? '';
    case 'local_port': return r.localPort === undefined ? '' : String(r.localPort);
    case 'content_type': return header('content-type');
    case 'exitcode': return String(ctx.exitCode);
    case 'errormsg': return r.failure?.message ?? '';
    case 'method': return ctx.method;
    case 'scheme': return r.url.protocol.replace(/:$/, '').toUpperCase();
    case 'num_connects': return r.remoteIp ? '1' : '0';
    default: return undefined;
  }
}
