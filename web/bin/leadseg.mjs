#!/usr/bin/env node
// npx leadseg compile <config.json> -o <config.lsc>
//
// The package's compiler (the full WebAssembly module, no C++ toolchain):
// prints what `leadseg check` prints (every error and warning with its JSON
// path), then writes the compiled config when there is no error. Exit codes
// as the native CLI: 0 written, 1 invalid config, 2 usage or I/O error.
import fs from 'node:fs/promises';
import { setPlatformLoader } from '../src/loader.js';
import { nodeLoader, nodeRuntimeLoader } from '../src/loader-node.js';
import { compileWithWarnings } from '../src/compiler.js';

const USAGE = 'usage: leadseg compile <config.json> -o <config.lsc>';

function line(severity, d) {
  return `${severity} [${d.code}] ${d.message}${d.path ? ` (at ${d.path})` : ''}`;
}

async function main(args) {
  if (args[0] !== 'compile') {
    console.error(USAGE);
    return args[0] === '--help' || args[0] === '-h' ? 0 : 2;
  }
  let input = null;
  let output = null;
  let positional = 0;
  for (let i = 1; i < args.length; i++) {
    if ((args[i] === '-o' || args[i] === '--output') && i + 1 < args.length) output = args[++i];
    else if (positional++ === 0) input = args[i];
  }
  if (positional !== 1 || !output) {
    console.error(USAGE);
    return 2;
  }
  let text;
  try {
    text = await fs.readFile(input, 'utf8');
  } catch (error) {
    console.error(`leadseg: cannot open ${input}: ${error.message}`);
    return 2;
  }
  setPlatformLoader(nodeLoader, nodeRuntimeLoader);
  let result;
  try {
    result = await compileWithWarnings(text);
  } catch (error) {
    if (!error.diagnostics) {
      // Not a compiler diagnostic (e.g. the text is not JSON): one line.
      console.log(`error [json] ${error.message.replace(/^compileConfig: (invalid config: )?/, '')}`);
    } else {
      for (const d of error.diagnostics) console.log(line(d.severity, d));
    }
    console.log(`${input}: invalid`);
    return 1;
  }
  for (const d of result.warnings) console.log(line('warning', d));
  try {
    await fs.writeFile(output, result.bytes);
  } catch (error) {
    console.error(`leadseg: cannot write ${output}: ${error.message}`);
    return 2;
  }
  console.log(`${input}: ok -> ${output}, ${result.bytes.length} bytes`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
