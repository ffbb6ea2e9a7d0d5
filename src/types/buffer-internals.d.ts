// Node's Buffer has a fast, unchecked UTF-8 slice that @types/node does not declare. The CSV hot
// path uses it to turn cells into strings without toString()'s argument handling.
declare global {
  interface Buffer {
    utf8Slice(start: number, end: number): string;
    utf8Write(text: string, offset: number): number;
    latin1Write(text: string, offset: number): number;
  }
}
export {};
