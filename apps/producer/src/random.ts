/**
 * A small seeded pseudo-random source (sfc32 seeded through cyrb128). We need
 * reproducible records on every Node version, which Math.random cannot give.
 */
export interface RandomSource {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [minimum, maximum]. */
  integer(minimum: number, maximum: number): number;
  pick<Item>(items: readonly Item[]): Item;
  bytes(count: number): Uint8Array;
}

type HashState = [number, number, number, number];

const cyrb128Start: Readonly<HashState> = [1779033703, 3144134277, 1013904242, 2773480762];

/** cyrb128's per-character rounds, continued from `state`: hashing a text equals absorbing any split of it in order. */
function absorb(state: Readonly<HashState>, text: string): HashState {
  let [h1, h2, h3, h4] = state;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = h2 ^ Math.imul(h1 ^ code, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ code, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ code, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ code, 2716044179);
  }
  return [h1, h2, h3, h4];
}

/** cyrb128's final mixing, after the last character. */
function finish(state: Readonly<HashState>): HashState {
  let [h1, h2, h3, h4] = state;
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32 as a class: the generator makes one source per record, and prototype methods cost no closures per source. */
class Sfc32 implements RandomSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor([a, b, c, d]: Readonly<HashState>) {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    // Discard the first outputs: sfc32 needs a few rounds to mix a fresh state.
    for (let round = 0; round < 12; round++) this.nextUint32();
  }

  private nextUint32(): number {
    const a = this.a >>> 0;
    const b = this.b >>> 0;
    let c = this.c >>> 0;
    let d = this.d >>> 0;
    let t = (a + b) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    this.c = (c + t) | 0;
    this.d = d;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  integer(minimum: number, maximum: number): number {
    return minimum + Math.floor(this.next() * (maximum - minimum + 1));
  }

  pick<Item>(items: readonly Item[]): Item {
    if (items.length === 0) throw new Error("cannot pick from an empty list");
    return items[Math.floor(this.next() * items.length)];
  }

  bytes(count: number): Uint8Array {
    const result = new Uint8Array(count);
    for (let index = 0; index < count; index++) result[index] = this.nextUint32() & 0xff;
    return result;
  }
}

export function createRandomSource(seed: string): RandomSource {
  return new Sfc32(finish(absorb(cyrb128Start, seed)));
}

/**
 * The source of `${prefix}${index}` for any index, equal to createRandomSource of that text: the prefix is hashed once,
 * so a source per record hashes only the index's digits.
 */
export function indexedRandomSources(prefix: string): (index: number) => RandomSource {
  const afterPrefix = absorb(cyrb128Start, prefix);
  return (index) => new Sfc32(finish(absorb(afterPrefix, String(index))));
}
const hexOfByte = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** RFC 4122 version-4 UUID from 16 random bytes. */
export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error(`a UUID needs 16 bytes, got ${bytes.length}`);
  let uuid = "";
  for (let index = 0; index < 16; index++) {
    let byte = bytes[index] ?? 0;
    if (index === 6) byte = (byte & 0x0f) | 0x40;
    if (index === 8) byte = (byte & 0x3f) | 0x80;
    if (index === 4 || index === 6 || index === 8 || index === 10) uuid += "-";
    uuid += hexOfByte[byte] ?? "";
  }
  return uuid;
}
