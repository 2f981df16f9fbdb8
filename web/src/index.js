// leadseg: lead segmentation and scoring in the visitor's browser.
//
//   import { createEngine } from 'leadseg';
//   const engine = await createEngine({ config, consent: { storage: true } });
//
// Types and documentation: ../index.d.ts and ../README.md.
export { createEngine, EVENTS } from './engine.js';
export { segmentLeads } from './batch.js';
export { parseCsv, CsvParser, CsvRows, typeValue } from './csv.js';
export { estimate, debias, keepProbability } from './estimator.js';
export { MemoryStorage, IndexedDbStorage, LocalStorageStorage } from './storage/index.js';
export { loadModule as loadCore } from './loader.js';
