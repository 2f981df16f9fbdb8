/**
 * leadseg-collect as a library (`import { createCollector } from 'leadseg/collect'`,
 * node only; needs the optional peer dependency better-sqlite3@12). See docs/privacy.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CollectorOptions {
  /** The site's leadseg config (parsed JSON): its segments and experiments are what reports may carry. */
  config: object;
  /** The SQLite file (default ':memory:'). */
  db?: string;
  /** k: cells carried by fewer reports are suppressed (default 50). */
  minReports?: number;
  /** Largest accepted body in bytes (default 4096). */
  maxBodyBytes?: number;
  /** Score band edges reports use (default [0, 25, 50, 75, 100]). */
  scoreBands?: number[];
  /** Largest accepted ε (default 4). */
  maxEpsilon?: number;
  /** Experiments and variants (default: those of the config's slots). */
  experiments?: Record<string, string[]>;
  /** Access-Control-Allow-Origin for pages on another origin (default: none, same origin only). */
  allowOrigin?: string;
  /** NORMAL (default): survives the process being killed; FULL: also a power cut, slower. */
  synchronous?: 'NORMAL' | 'FULL';
  /** The clock for receipt days (default Date.now). */
  now?: () => number;
}

export type CellEstimate =
  | { n: number; share: number; stderr: number; ci95: [number, number] }
  | { n: number; suppressed: true };

export interface CollectorEstimates {
  from: string;
  to: string;
  reports: number;
  minReports: number;
  segments: Record<string, CellEstimate>;
  scoreBands: Record<string, CellEstimate>;
  experiments: Record<string, Record<string, { exposed: CellEstimate; converted: CellEstimate }>>;
}

export interface Collector {
  /** Whether a request path is the collector's (/collect, /estimates). */
  handles(pathname: string): boolean;
  /** POST /collect, GET /estimates (JSON: {@link CollectorEstimates}). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): void;
}

export function createCollector(options: CollectorOptions): Collector;
