import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { notRegular } from '../util/not-regular.js';

export interface Candidate {
  name: string;
  path: string;
  /** Set when the entry cannot be read as a data file at all (a directory named x.csv, ...). */
  problem?: string;
  size: number;
  mtimeMs: number;
}

/**
 * Data files in a folder: names ending in `.ext` (any case), dot-files excluded (uploaders' temp
 * files), sorted by name so ingest order — and so "first occurrence kept" — is deterministic.
 */
export async function listDataFiles(folder: string, ext: string): Promise<Candidate[]> {
  const suffix = `.${ext.toLowerCase()}`;
  const entries = await readdir(folder, { withFileTypes: true });
  const names = entries
    .map((e) => e.name)
    .filter((n) => !n.startsWith('.') && n.toLowerCase().endsWith(suffix))
    .sort();
  const out: Candidate[] = [];
  for (const name of names) {
    const path = join(folder, name);
    try {
      const st = await stat(path);
      const problem = notRegular(st);
      // (readDataFile checks again on the descriptor it opens: the entry may change meanwhile.)
      if (problem) out.push({ name, path, size: 0, mtimeMs: st.mtimeMs, problem });
      else out.push({ name, path, size: st.size, mtimeMs: st.mtimeMs });
    } catch (err) {
      out.push({ name, path, size: 0, mtimeMs: 0, problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    }
  }
  return out;
}
