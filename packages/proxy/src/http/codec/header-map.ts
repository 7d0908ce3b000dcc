/**
 * Headers as Envoy keeps them: an ordered list of raw name/value pairs as they
 * came off the wire (case and order preserved, duplicates kept), looked up by
 * lowercase name. Names are lowercased once, when a pair is added, so lookups
 * compare interned strings and never allocate.
 */
export class HeaderMap {
  /** Raw names and values interleaved: [name0, value0, name1, value1, ...]. */
  readonly #raw: string[] = [];
  /** Lowercase names, one per pair, parallel to #raw. */
  readonly #lower: string[] = [];
  /** Sum of name and value lengths, for size limits. */
  #byteSize = 0;

  static from(pairs: Iterable<readonly [string, string]>): HeaderMap {
    const map = new HeaderMap();
    for (const [name, value] of pairs) map.add(name, value);
    return map;
  }

  get size(): number {
    return this.#lower.length;
  }

  /** Bytes of names and values, the quantity Envoy's max_request_headers_kb limits (minus separators). */
  get byteSize(): number {
    return this.#byteSize;
  }

  add(name: string, value: string): void {
    this.#raw.push(name, value);
    this.#lower.push(name.toLowerCase());
    this.#byteSize += name.length + value.length;
  }

  /** Adds a pair whose name is already lowercase (the codec's own headers). */
  addLower(lowerName: string, value: string): void {
    this.#raw.push(lowerName, value);
    this.#lower.push(lowerName);
    this.#byteSize += lowerName.length + value.length;
  }

  /** First value for a lowercase name. */
  get(lowerName: string): string | undefined {
    const lower = this.#lower;
    for (let i = 0; i < lower.length; i++) if (lower[i] === lowerName) return this.#raw[2 * i + 1];
    return undefined;
  }

  getAll(lowerName: string): string[] {
    const out: string[] = [];
    const lower = this.#lower;
    for (let i = 0; i < lower.length; i++) if (lower[i] === lowerName) out.push(this.#raw[2 * i + 1]);
    return out;
  }

  has(lowerName: string): boolean {
    return this.#lower.includes(lowerName);
  }

  /** Replaces every pair of that name with one pair, at the position of the first (appended if absent). */
  set(lowerName: string, value: string): void {
    const i = this.#lower.indexOf(lowerName);
    if (i < 0) {
      this.addLower(lowerName, value);
      return;
    }
    this.#byteSize += value.length - this.#raw[2 * i + 1].length;
    this.#raw[2 * i + 1] = value;
    this.#removeFrom(lowerName, i + 1);
  }

  /** Removes every pair of that name; returns how many were removed. */
  remove(lowerName: string): number {
    return this.#removeFrom(lowerName, 0);
  }

  nameAt(i: number): string {
    return this.#raw[2 * i];
  }

  lowerNameAt(i: number): string {
    return this.#lower[i];
  }

  valueAt(i: number): string {
    return this.#raw[2 * i + 1];
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (let i = 0; i < this.#lower.length; i++) yield [this.#raw[2 * i], this.#raw[2 * i + 1]];
  }

  #removeFrom(lowerName: string, start: number): number {
    let removed = 0;
    for (let i = this.#lower.length - 1; i >= start; i--) {
      if (this.#lower[i] !== lowerName) continue;
      this.#byteSize -= this.#raw[2 * i].length + this.#raw[2 * i + 1].length;
      this.#lower.splice(i, 1);
      this.#raw.splice(2 * i, 2);
      removed++;
    }
    return removed;
  }
}
