import { isAscii } from 'node:buffer';

/**
 * Input encodings (config input_encoding) and the decoders that turn a file's bytes into UTF-8
 * before the CSV parser sees them. Every delimiter the parser looks for (comma, quote, CR, LF) is
 * ASCII and stays the same byte, so records and line numbers are the file's own.
 *
 * "auto" reads UTF-8 and, from the first line that is not valid UTF-8 on, Windows-1252 (what Excel
 * saves as "CSV" on Windows in western Europe). "latin1" is ISO-8859-1 proper: 0x80–0x9F are the
 * C1 controls, where Windows-1252 has € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ.
 */
export type InputEncoding = 'auto' | 'utf-8' | 'windows-1252' | 'latin1';
/** What a file was read as: a configured or detected encoding, or one its byte-order mark declared. */
export type ReadEncoding = 'utf-8' | 'windows-1252' | 'latin1' | 'utf-16le' | 'utf-16be';

export const ENCODING_NAMES: Record<ReadEncoding, string> = {
  'utf-8': 'UTF-8',
  'windows-1252': 'Windows-1252',
  latin1: 'Latin-1 (ISO-8859-1)',
  'utf-16le': 'UTF-16 (little-endian)',
  'utf-16be': 'UTF-16 (big-endian)',
};

/** Windows-1252's 0x80–0x9F (the WHATWG table: the five bytes it leaves undefined map to the C1 control of the same number). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Turns chunks of one encoding into UTF-8; `decode` may return its own reused buffer, valid until the next call. */
export interface Decoder {
  readonly encoding: ReadEncoding;
  decode(chunk: Buffer): Buffer;
  /** What is left at the end of the input (an odd UTF-16 byte); empty for single-byte encodings. */
  end(): Buffer;
}

/** Windows-1252 or Latin-1: one byte per character, so each chunk decodes on its own. */
class SingleByteDecoder implements Decoder {
  private out = Buffer.alloc(0);
  private readonly high: Uint16Array;

  constructor(readonly encoding: 'windows-1252' | 'latin1') {
    this.high = Uint16Array.from({ length: 128 }, (_, i) => (i < 32 && encoding === 'windows-1252' ? CP1252_HIGH[i] : 0x80 + i));
  }

  decode(chunk: Buffer): Buffer {
    // The usual chunk of a Windows-1252 file is mostly ASCII, and an all-ASCII one is its own UTF-8.
    if (isAscii(chunk)) return chunk;
    const need = chunk.length * 3;
    if (this.out.length < need) this.out = Buffer.allocUnsafe(need);
    const out = this.out;
    const high = this.high;
    let o = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b < 0x80) {
        out[o++] = b;
        continue;
      }
      const cp = high[b - 0x80];
      if (cp < 0x800) {
        out[o++] = 0xc0 | (cp >> 6);
        out[o++] = 0x80 | (cp & 0x3f);
      } else {
        out[o++] = 0xe0 | (cp >> 12);
        out[o++] = 0x80 | ((cp >> 6) & 0x3f);
        out[o++] = 0x80 | (cp & 0x3f);
      }
    }
    return out.subarray(0, o);
  }

  end(): Buffer {
    return Buffer.alloc(0);
  }
}

/** UTF-16 (a file that began with its byte-order mark): WHATWG's decoder, streaming across chunks. */
class Utf16Decoder implements Decoder {
  private readonly decoder: TextDecoder;

  constructor(readonly encoding: 'utf-16le' | 'utf-16be') {
    this.decoder = new TextDecoder(encoding, { ignoreBOM: true });
  }

  decode(chunk: Buffer): Buffer {
    return Buffer.from(this.decoder.decode(chunk, { stream: true }), 'utf8');
  }

  end(): Buffer {
    return Buffer.from(this.decoder.decode(), 'utf8');
  }
}

export function decoderFor(encoding: ReadEncoding): Decoder | null {
  if (encoding === 'windows-1252' || encoding === 'latin1') return new SingleByteDecoder(encoding);
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return new Utf16Decoder(encoding);
  return null;
}

/** The encoding a byte-order mark at the start declares, and the mark's length; null without one. */
export function byteOrderMark(head: Buffer): { encoding: ReadEncoding; length: number } | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}
