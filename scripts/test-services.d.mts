// Types for scripts/test-services.mjs (plain JavaScript: run-tests.mjs runs it before tsx is involved).
export interface Need { chromium: boolean; postgres: boolean }
export interface Cluster { version: string; name: string; port: number; status: string }
export interface Facts {
  need: Need;
  /** /usr/bin/chromium is executable. */
  chromium: boolean;
  /** Something answers at the tests' PostgreSQL host and port. */
  postgres: boolean;
  pg: { host: string; port: number };
  /** Installed clusters (pg_lsclusters). */
  clusters: Cluster[];
  root: boolean;
  apt: boolean;
}
export interface Step { what: string; commands: string[][] }
export interface Plan { steps: Step[]; missing: string[] }
export const CHROMIUM: string;
export const DEFAULT_PG_URL: string;
export function plan(f: Facts): Plan;
export function missingLine(missing: string[]): string;
export function pgTarget(url: string): { host: string; port: number };
export function parseClusters(text: string): Cluster[];
export function answers(target: { host: string; port: number }, ms?: number): Promise<boolean>;
export function facts(need: Need, env?: NodeJS.ProcessEnv): Promise<Facts>;
export function provision(need: Need, log?: (line: string) => void): Promise<void>;
