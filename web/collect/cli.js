#!/usr/bin/env node
// leadseg-collect: receives report() payloads and serves estimates.
//
//   leadseg-collect --config site.json [--db reports.sqlite] [--port 8787]
//                   [--host 127.0.0.1] [--min-reports 50] [--max-epsilon 4]
//                   [--allow-origin https://www.example.com]
//                   [--synchronous normal|full]   (normal, the default, survives kill -9;
//                                                  full also a power cut, ~3x slower)
//
// POST /collect, GET /estimates?from=YYYY-MM-DD&to=YYYY-MM-DD (web/README.md).
import http from 'node:http';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { createCollector } from './server.js';

const USAGE = 'usage: leadseg-collect --config site.json [--db reports.sqlite] [--port 8787] [--host 127.0.0.1] [--min-reports 50] [--max-epsilon 4] [--allow-origin ORIGIN] [--synchronous normal|full]';

export function parseArgs(argv) {
  const opts = { db: 'leadseg-reports.sqlite', port: 8787, host: '127.0.0.1' };
  const value = (i, name) => {
    if (i >= argv.length) throw new Error(`${name} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config') opts.config = value(++i, arg);
    else if (arg === '--db') opts.db = value(++i, arg);
    else if (arg === '--port') opts.port = Number(value(++i, arg));
    else if (arg === '--host') opts.host = value(++i, arg);
    else if (arg === '--min-reports') opts.minReports = Number(value(++i, arg));
    else if (arg === '--max-epsilon') opts.maxEpsilon = Number(value(++i, arg));
    else if (arg === '--allow-origin') opts.allowOrigin = value(++i, arg);
    else if (arg === '--synchronous') opts.synchronous = value(++i, arg).toUpperCase();
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else throw new Error(`unknown argument: ${arg}`);
  }
  if (!opts.help && !opts.config) throw new Error('--config is required');
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('--port must be an integer between 0 and 65535');
  return opts;
}

export async function main(argv = process.argv.slice(2)) {
  const opts = parseArgs(argv);
  if (opts.help) {
    console.log(USAGE);
    return null;
  }
  const config = JSON.parse(fs.readFileSync(opts.config, 'utf8'));
  const collector = createCollector({ ...opts, config });
  const server = http.createServer((req, res) => collector.handle(req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve, reject) => server.once('error', reject).listen(opts.port, opts.host, resolve));
  const { port } = server.address();
  // One line for whoever started us (tests, process managers) to read the port from.
  console.log(`leadseg-collect: listening on http://${opts.host}:${port}/ (db ${opts.db})`);
  const stop = () => server.close(() => {
    collector.close();
    process.exit(0);
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { server, collector, port };
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(path.resolve(process.argv[1]))).href) {
  main().catch((error) => {
    console.error(`leadseg-collect: ${error.message}`);
    console.error(USAGE);
    process.exit(2);
  });
}
