/**
 * An incremental HTTP/1.1 parser for both directions: requests on the
 * downstream side, responses on the upstream side. Bytes may arrive split at
 * any boundary. The head (start line and headers) is collected until its
 * terminating blank line and then parsed in one pass over a latin1 string,
 * which is what makes the common case (a whole head in one read) cheap; bodies
 * are delivered as zero-copy slices of the input, so a body is never buffered.
 *
 * The parser stops after every complete message ("paused") and keeps whatever
 * followed it; the connection resumes it when it is ready for the next message.
 * That is how pipelined requests are answered strictly one at a time, in order.
 * After an upgrade head (or a 101 response) it stops for good and the bytes
 * after the head belong to the new protocol.
 *
 * Strictness follows Envoy's defaults: CRLF line endings only, no obs-fold, no
 * whitespace before the colon, Transfer-Encoding other than `chunked` → 501,
 * Transfer-Encoding with Content-Length → 400, conflicting Content-Length → 400.
 * Errors are reported once through `onError` and the parser then ignores input.
 */
import { HeaderMap } from './header-map.ts';
import { type BodyFraming, type CodecError, type CodecLimits, CodecErrors, type RequestHead, type ResponseHead } from './types.ts';

export interface ParserHandler<H> {
  onHead(head: H): void;
  onBody(chunk: Buffer): void;
  onTrailers(trailers: HeaderMap): void;
  onMessageComplete(): void;
  onError(error: CodecError): void;
}

const S_HEAD = 0;
const S_BODY_LENGTH = 1;
const S_CHUNK_SIZE = 2;
const S_CHUNK_EXT = 3;
const S_CHUNK_SIZE_LF = 4;
const S_CHUNK_DATA = 5;
const S_CHUNK_DATA_CR = 6;
const S_CHUNK_DATA_LF = 7;
const S_TRAILERS = 8;
const S_BODY_CLOSE = 9;
const S_PAUSED = 10;
const S_UPGRADED = 11;
const S_ERROR = 12;

const CR = 13;
const LF = 10;
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const MAX_CHUNK_EXT_BYTES = 4096;
/** Control characters other than HTAB, and CR or LF outside a CRLF pair. */
const BAD_HEAD_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/;

/** RFC 9110 tchar. */
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN[c.charCodeAt(0)] = 1;
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

/**
 * Envoy's details for a control character in a head: in a header line (name or
 * value) `http1.invalid_characters`, as the codec's header validation answers;
 * a bare CR or LF, or anything in the start line, is a framing error.
 */
function badCharDetails(s: string, at: number, hasStartLine = true): string {
  const c = s.charCodeAt(at);
  if (c === CR || c === LF) return 'http1.codec_error';
  return !hasStartLine || at > s.indexOf('\r\n') ? 'http1.invalid_characters' : 'http1.codec_error';
}

function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || TOKEN[c] === 0) return false;
  }
  return true;
}

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Comma-separated tokens of a Connection header, as flags. */
function connectionTokens(value: string): number {
  let flags = 0;
  for (const part of value.toLowerCase().split(',')) {
    const t = part.trim();
    if (t === 'close') flags |= 1;
    else if (t === 'keep-alive') flags |= 2;
    else if (t === 'upgrade') flags |= 4;
  }
  return flags;
}

export class Http1Parser<H extends RequestHead | ResponseHead> {
  readonly #isRequest: boolean;
  readonly #handler: ParserHandler<H>;
  readonly #limits: CodecLimits;
  #state = S_HEAD;
  /** Unconsumed bytes of an incomplete head or trailer block. */
  #partial: Buffer | null = null;
  /** Bytes that followed a complete message while paused, or an upgrade head. */
  #leftover: Buffer | null = null;
  /** Remaining bytes of the current Content-Length body or chunk. */
  #remaining = 0;
  #chunkDigits = 0;
  #chunkExtBytes = 0;
  #running = false;
  /** Response side: the request was HEAD, so the response has no body whatever it says. */
  #noBodyExpected = false;
  #headString = '';

  private constructor(isRequest: boolean, handler: ParserHandler<H>, limits: CodecLimits) {
    this.#isRequest = isRequest;
    this.#handler = handler;
    this.#limits = limits;
  }

  static forRequests(handler: ParserHandler<RequestHead>, limits: CodecLimits): Http1Parser<RequestHead> {
    return new Http1Parser<RequestHead>(true, handler, limits);
  }

  static forResponses(handler: ParserHandler<ResponseHead>, limits: CodecLimits): Http1Parser<ResponseHead> {
    return new Http1Parser<ResponseHead>(false, handler, limits);
  }

  /** True between messages with nothing of the next one seen yet. */
  get isIdle(): boolean {
    return (this.#state === S_HEAD || this.#state === S_PAUSED) && this.#partial === null && this.#leftover === null;
  }

  get isPaused(): boolean {
    return this.#state === S_PAUSED;
  }

  get hasFailed(): boolean {
    return this.#state === S_ERROR;
  }

  /** Response side: call before each response is expected; `true` when the request was HEAD. */
  expectResponse(toHeadRequest: boolean): void {
    this.#noBodyExpected = toHeadRequest;
  }

  execute(data: Buffer): void {
    const state = this.#state;
    if (state === S_ERROR) return;
    if (state === S_PAUSED || state === S_UPGRADED) {
      this.#leftover = this.#leftover === null ? data : Buffer.concat([this.#leftover, data]);
      return;
    }
    this.#run(data, 0);
  }

  /** Parses the next message (and any bytes kept while paused). */
  resume(): void {
    if (this.#state !== S_PAUSED) return;
    this.#state = S_HEAD;
    if (this.#running) return;
    const leftover = this.#leftover;
    this.#leftover = null;
    if (leftover !== null) this.#run(leftover, 0);
  }

  /** Bytes kept while paused or after an upgrade; the caller now owns them. */
  takeLeftover(): Buffer | null {
    const l = this.#leftover;
    this.#leftover = null;
    return l;
  }

  /** Bytes held back, for limits on what a pipelining peer may queue. */
  get bufferedBytes(): number {
    return (this.#leftover?.length ?? 0) + (this.#partial?.length ?? 0);
  }

  /**
   * The peer closed its side. Completes a close-delimited body; returns false
   * if the close cut a message short (and reports nothing: the caller decides).
   */
  finish(): boolean {
    if (this.#state === S_BODY_CLOSE) {
      this.#completeMessage();
      return true;
    }
    const clean = (this.#state === S_HEAD || this.#state === S_PAUSED) && this.#partial === null;
    this.#state = S_ERROR;
    return clean;
  }

  /** Stops parsing for good (the connection is going away). */
  destroy(): void {
    this.#state = S_ERROR;
    this.#partial = null;
    this.#leftover = null;
  }

  #fail(error: CodecError): void {
    if (this.#state === S_ERROR) return;
    this.#state = S_ERROR;
    this.#partial = null;
    this.#leftover = null;
    this.#handler.onError(error);
  }

  #run(buf: Buffer, pos: number): void {
    this.#running = true;
    try {
      const len = buf.length;
      while (pos < len) {
        switch (this.#state) {
          case S_HEAD:
            pos = this.#readHead(buf, pos);
            break;
          case S_BODY_LENGTH: {
            const n = Math.min(this.#remaining, len - pos);
            this.#remaining -= n;
            const chunk = buf.subarray(pos, pos + n);
            pos += n;
            this.#handler.onBody(chunk);
            if (this.#remaining === 0 && this.#state === S_BODY_LENGTH) this.#completeMessage();
            break;
          }
          case S_BODY_CLOSE:
            this.#handler.onBody(pos === 0 ? buf : buf.subarray(pos));
            pos = len;
            break;
          case S_CHUNK_SIZE:
            pos = this.#readChunkSize(buf, pos);
            break;
          case S_CHUNK_EXT: {
            for (; pos < len; pos++) {
              const c = buf[pos];
              if (c === CR) break;
              if (c === LF || (c < 32 && c !== 9) || c === 127 || ++this.#chunkExtBytes > MAX_CHUNK_EXT_BYTES) {
                this.#fail(CodecErrors.malformed('http1.invalid_chunk_extension'));
                return;
              }
            }
            if (pos < len) {
              pos++;
              this.#state = S_CHUNK_SIZE_LF;
            }
            break;
          }
          case S_CHUNK_SIZE_LF:
            if (buf[pos++] !== LF) return this.#fail(CodecErrors.malformed('http1.invalid_chunk_size'));
            this.#state = this.#remaining === 0 ? S_TRAILERS : S_CHUNK_DATA;
            break;
          case S_CHUNK_DATA: {
            const n = Math.min(this.#remaining, len - pos);
            this.#remaining -= n;
            const chunk = buf.subarray(pos, pos + n);
            pos += n;
            if (this.#remaining === 0) this.#state = S_CHUNK_DATA_CR;
            this.#handler.onBody(chunk);
            break;
          }
          case S_CHUNK_DATA_CR:
            if (buf[pos++] !== CR) return this.#fail(CodecErrors.malformed('http1.invalid_chunk_data'));
            this.#state = S_CHUNK_DATA_LF;
            break;
          case S_CHUNK_DATA_LF:
            if (buf[pos++] !== LF) return this.#fail(CodecErrors.malformed('http1.invalid_chunk_data'));
            this.#state = S_CHUNK_SIZE;
            this.#chunkDigits = 0;
            this.#chunkExtBytes = 0;
            break;
          case S_TRAILERS:
            pos = this.#readTrailers(buf, pos);
            break;
          case S_PAUSED:
          case S_UPGRADED:
            this.#leftover = buf.subarray(pos);
            return;
          default:
            return;
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * Collects a header block ending in CRLFCRLF. Returns the new position in
   * `buf`; on success the block (without its final CRLF) is in #headString and
   * `#blockReady` is true.
   */
  #collect(buf: Buffer, pos: number, allowEmpty: boolean): number {
    const partial = this.#partial;
    let block: Buffer;
    let start: number;
    let searchFrom: number;
    if (partial === null) {
      block = buf;
      start = pos;
      searchFrom = pos;
    } else {
      block = Buffer.concat([partial, buf.subarray(pos)]);
      start = 0;
      searchFrom = Math.max(0, partial.length - 3);
    }
    const shift = partial === null ? 0 : pos - partial.length; // block index → buf index
    if (allowEmpty && block.length - start >= 2 && block[start] === CR && block[start + 1] === LF) {
      this.#partial = null;
      this.#headString = '';
      this.#blockReady = true;
      return start + 2 + shift;
    }
    const end = block.indexOf(CRLFCRLF, searchFrom);
    if (end < 0 || end + 4 - start > this.#limits.maxHeadersBytes + 4) {
      if (block.length - start > this.#limits.maxHeadersBytes + 4) {
        this.#fail(CodecErrors.headersTooLarge);
        return buf.length;
      }
      // A bare-LF head would otherwise wait forever for a CRLFCRLF that never comes.
      if (block.indexOf('\n\n', Math.max(start, searchFrom - 1), 'latin1') >= 0) {
        // The same details the complete head would get: the first bad character decides.
        const text = block.toString('latin1', start);
        const bad = BAD_HEAD_CHARS.exec(text);
        this.#fail(CodecErrors.malformed(bad === null ? 'http1.codec_error' : badCharDetails(text, bad.index, !allowEmpty)));
        return buf.length;
      }
      this.#partial = start === 0 && partial !== null ? block : block.subarray(start);
      this.#blockReady = false;
      return buf.length;
    }
    this.#partial = null;
    this.#headString = block.toString('latin1', start, end + 2);
    this.#blockReady = true;
    return end + 4 + shift;
  }

  #blockReady = false;

  #readHead(buf: Buffer, pos: number): number {
    if (this.#isRequest && this.#partial !== null && this.#partial.length === 1 && buf[pos] === LF) {
      this.#partial = null; // a blank line split after its CR
      pos++;
    }
    if (this.#partial === null && this.#isRequest) {
      // RFC 9112 §2.2: ignore empty lines before a request line.
      while (pos + 1 < buf.length && buf[pos] === CR && buf[pos + 1] === LF) pos += 2;
      if (pos + 1 === buf.length && buf[pos] === CR) {
        this.#partial = buf.subarray(pos);
        return buf.length;
      }
      if (pos === buf.length) return pos;
    }
    pos = this.#collect(buf, pos, false);
    if (!this.#blockReady) return pos;
    this.#blockReady = false;
    const s = this.#headString;
    this.#headString = '';
    const bad = BAD_HEAD_CHARS.exec(s);
    if (bad !== null) {
      this.#fail(CodecErrors.malformed(badCharDetails(s, bad.index)));
      return buf.length;
    }
    const head = this.#isRequest ? this.#parseRequestHead(s) : this.#parseResponseHead(s);
    if (head === null) return buf.length;
    return this.#afterHead(head, buf, pos);
  }

  #afterHead(head: RequestHead | ResponseHead, buf: Buffer, pos: number): number {
    const isUpgrade = this.#isRequest ? (head as RequestHead).upgrade : (head as ResponseHead).status === 101;
    const informational = !this.#isRequest && !isUpgrade && (head as ResponseHead).status < 200;
    if (isUpgrade) {
      this.#state = S_UPGRADED;
      this.#leftover = pos < buf.length ? buf.subarray(pos) : null;
      this.#handler.onHead(head as H);
      return buf.length;
    }
    if (informational) {
      // 1xx other than 101: dropped, as Envoy does unless proxy_100_continue; the real response follows.
      return pos;
    }
    switch (head.framing) {
      case 'content-length':
        this.#state = S_BODY_LENGTH;
        this.#remaining = head.contentLength;
        break;
      case 'chunked':
        this.#state = S_CHUNK_SIZE;
        this.#remaining = 0;
        this.#chunkDigits = 0;
        this.#chunkExtBytes = 0;
        break;
      case 'close-delimited':
        this.#state = S_BODY_CLOSE;
        break;
      case 'none':
        break;
    }
    this.#handler.onHead(head as H);
    if (head.framing === 'none' && this.#state === S_HEAD) this.#completeMessage();
    return pos;
  }

  #completeMessage(): void {
    this.#state = S_PAUSED;
    this.#handler.onMessageComplete();
  }

  #readChunkSize(buf: Buffer, pos: number): number {
    const len = buf.length;
    for (; pos < len; pos++) {
      const v = HEX[buf[pos]];
      if (v < 0) break;
      if (++this.#chunkDigits > 13) {
        this.#fail(CodecErrors.malformed('http1.invalid_chunk_size'));
        return len;
      }
      this.#remaining = this.#remaining * 16 + v;
    }
    if (pos === len) return pos;
    const c = buf[pos];
    if (this.#chunkDigits === 0 || (c !== CR && c !== 59 /* ; */)) {
      this.#fail(CodecErrors.malformed('http1.invalid_chunk_size'));
      return len;
    }
    this.#state = c === CR ? S_CHUNK_SIZE_LF : S_CHUNK_EXT;
    return pos + 1;
  }

  #readTrailers(buf: Buffer, pos: number): number {
    pos = this.#collect(buf, pos, true);
    if (!this.#blockReady) return pos;
    this.#blockReady = false;
    const s = this.#headString;
    this.#headString = '';
    if (s.length > 0) {
      const bad = BAD_HEAD_CHARS.exec(s);
      if (bad !== null) {
        this.#fail(CodecErrors.malformed(badCharDetails(s, bad.index, false)));
        return buf.length;
      }
      const trailers = this.#parseFields(s, 0);
      if (trailers === null) return buf.length;
      this.#handler.onTrailers(trailers);
      if (this.#state !== S_TRAILERS) return buf.length;
    }
    this.#completeMessage();
    return pos;
  }

  /** Header lines from `pos` to the end of `s` (each ending in CRLF). Null after reporting an error. */
  #parseFields(s: string, pos: number): HeaderMap | null {
    const headers = new HeaderMap();
    const max = this.#limits.maxHeadersCount;
    while (pos < s.length) {
      const eol = s.indexOf('\r\n', pos);
      const colon = s.indexOf(':', pos);
      if (colon <= pos || colon > eol) {
        this.#fail(CodecErrors.malformed());
        return null;
      }
      const name = s.slice(pos, colon);
      if (!isToken(name)) {
        this.#fail(CodecErrors.malformed('http1.invalid_characters'));
        return null;
      }
      let vs = colon + 1;
      let ve = eol;
      while (vs < ve && (s.charCodeAt(vs) === 32 || s.charCodeAt(vs) === 9)) vs++;
      while (ve > vs && (s.charCodeAt(ve - 1) === 32 || s.charCodeAt(ve - 1) === 9)) ve--;
      headers.add(name, s.slice(vs, ve));
      if (headers.size > max) {
        this.#fail(CodecErrors.tooManyHeaders);
        return null;
      }
      pos = eol + 2;
    }
    return headers;
  }

  #parseRequestHead(s: string): RequestHead | null {
    const lineEnd = s.indexOf('\r\n');
    const sp1 = s.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : s.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || sp2 > lineEnd || sp2 === sp1 + 1) {
      this.#fail(CodecErrors.malformed());
      return null;
    }
    const method = s.slice(0, sp1);
    const path = s.slice(sp1 + 1, sp2);
    const version = s.slice(sp2 + 1, lineEnd);
    const versionMinor = version === 'HTTP/1.1' ? 1 : version === 'HTTP/1.0' ? 0 : -1;
    if (versionMinor < 0 || !isToken(method)) {
      this.#fail(CodecErrors.malformed());
      return null;
    }
    const headers = this.#parseFields(s, lineEnd + 2);
    if (headers === null) return null;
    return this.#requestFraming(method, path, versionMinor as 0 | 1, headers);
  }

  #requestFraming(method: string, path: string, versionMinor: 0 | 1, headers: HeaderMap): RequestHead | null {
    let contentLength = -1;
    let te: string | undefined;
    let conn = 0;
    let hasUpgrade = false;
    let expectContinue = false;
    for (let i = 0; i < headers.size; i++) {
      switch (headers.lowerNameAt(i)) {
        case 'content-length': {
          const v = headers.valueAt(i);
          if (!isDigits(v) || (contentLength >= 0 && contentLength !== Number(v))) {
            this.#fail(CodecErrors.malformed('http1.content_length_not_allowed'));
            return null;
          }
          contentLength = Number(v);
          break;
        }
        case 'transfer-encoding':
          if (te !== undefined) {
            this.#fail(CodecErrors.invalidTransferEncoding);
            return null;
          }
          te = headers.valueAt(i);
          break;
        case 'connection':
          conn |= connectionTokens(headers.valueAt(i));
          break;
        case 'upgrade':
          hasUpgrade = true;
          break;
        case 'expect':
          expectContinue = versionMinor === 1 && headers.valueAt(i).toLowerCase() === '100-continue';
          break;
      }
    }
    let framing: BodyFraming = contentLength > 0 ? 'content-length' : 'none';
    if (te !== undefined) {
      if (te.toLowerCase() !== 'chunked' || versionMinor === 0) {
        this.#fail(CodecErrors.invalidTransferEncoding);
        return null;
      }
      if (contentLength >= 0) {
        this.#fail(CodecErrors.malformed('http1.content_length_and_chunked_not_allowed'));
        return null;
      }
      framing = 'chunked';
    }
    if (expectContinue) headers.remove('expect');
    const upgrade = (conn & 4) !== 0 && hasUpgrade;
    const keepAlive = versionMinor === 1 ? (conn & 1) === 0 : (conn & 2) !== 0 && (conn & 1) === 0;
    return { method, path, versionMinor, headers, framing, contentLength, keepAlive, upgrade, expectContinue };
  }

  #parseResponseHead(s: string): ResponseHead | null {
    const lineEnd = s.indexOf('\r\n');
    const version = s.slice(0, 8);
    const versionMinor = version === 'HTTP/1.1' ? 1 : version === 'HTTP/1.0' ? 0 : -1;
    const d0 = s.charCodeAt(9) - 48;
    const d1 = s.charCodeAt(10) - 48;
    const d2 = s.charCodeAt(11) - 48;
    const after = s.charCodeAt(12);
    if (
      versionMinor < 0 || s.charCodeAt(8) !== 32 || lineEnd < 12 ||
      !(d0 >= 1 && d0 <= 9 && d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9) ||
      (lineEnd > 12 && after !== 32)
    ) {
      this.#fail(CodecErrors.malformed('upstream.protocol_error'));
      return null;
    }
    const status = d0 * 100 + d1 * 10 + d2;
    const reason = lineEnd > 13 ? s.slice(13, lineEnd) : '';
    const headers = this.#parseFields(s, lineEnd + 2);
    if (headers === null) return null;
    let contentLength = -1;
    let te: string | undefined;
    let conn = 0;
    for (let i = 0; i < headers.size; i++) {
      switch (headers.lowerNameAt(i)) {
        case 'content-length': {
          const v = headers.valueAt(i);
          if (!isDigits(v) || (contentLength >= 0 && contentLength !== Number(v))) {
            this.#fail(CodecErrors.malformed('upstream.protocol_error'));
            return null;
          }
          contentLength = Number(v);
          break;
        }
        case 'transfer-encoding':
          te = te === undefined ? headers.valueAt(i) : `${te}, ${headers.valueAt(i)}`;
          break;
        case 'connection':
          conn |= connectionTokens(headers.valueAt(i));
          break;
      }
    }
    let keepAlive = versionMinor === 1 ? (conn & 1) === 0 : (conn & 2) !== 0 && (conn & 1) === 0;
    let framing: BodyFraming;
    if (this.#noBodyExpected || status < 200 || status === 204 || status === 304) {
      framing = 'none';
    } else if (te !== undefined) {
      if (contentLength >= 0) {
        this.#fail(CodecErrors.malformed('upstream.protocol_error'));
        return null;
      }
      framing = /(?:^|,)\s*chunked\s*$/i.test(te) ? 'chunked' : 'close-delimited';
    } else if (contentLength >= 0) {
      framing = contentLength === 0 ? 'none' : 'content-length';
    } else {
      framing = 'close-delimited';
    }
    if (framing === 'close-delimited') keepAlive = false;
    return { status, reason, versionMinor: versionMinor as 0 | 1, headers, framing, contentLength, keepAlive };
  }
}
