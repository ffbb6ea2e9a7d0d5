import { hostname } from 'node:os';
import type { RunOwner } from './types.js';

/** This process on this machine: who a run record belongs to. */
export function thisProcess(): RunOwner {
  return { pid: process.pid, host: hostname() };
}
