import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Write a generated CSV: `header`, then every line `fill` gives, in 1 MB chunks to a temp file
 * renamed into place at the end (a killed generator leaves no half file that a later run would
 * reuse). Returns the bytes written. The benchmark generators (generate.ts, crm-table.ts) share it.
 */
export function writeLines(path: string, header: string, fill: (line: (text: string) => void) => void): number {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  let bytes = 0;
  let chunk = header + '\n';
  const flush = () => {
    const buf = Buffer.from(chunk, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    bytes += buf.length;
    chunk = '';
  };
  try {
    fill((text) => {
      chunk += text + '\n';
      if (chunk.length > 1 << 20) flush();
    });
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return bytes;
}
