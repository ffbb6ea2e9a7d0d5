import { hostname } from 'node:os';
import type { RecordOwner } from './types.js';

/** This process on this machine: who a command record belongs to. */
export function thisProcess(): RecordOwner {
  return { pid: process.pid, host: hostname() };
}
