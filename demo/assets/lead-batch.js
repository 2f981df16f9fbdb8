// One batch of lead-list rows through the package's segmentLeads(): the rows
// become lead objects (attributes, the events their activity columns stand
// for, the interests declaration: lead-activity.js), segmentLeads() replays
// and reads each at AS_OF, and the batch comes back as the page needs it:
// segmentLeads()'s summary, the page's extra figures (lead-results.js) and
// the rows' lines of the segmented CSV. Nothing per lead is kept
// (keepLeads: false; onLead writes the line and adds up the figures).
//
// The package is handed in (`segmentLeads`, `typeValue`), so the same code
// runs in the page's workers and in node tests.
import { AS_OF, leadReader } from './lead-activity.js';
import { addLead, createFigures, leadReadings, outputLine } from './lead-results.js';

/**
 * @param {{config: object, header: string[], segmentLeads: Function, typeValue: Function, asOf?: number}} options
 * @returns {{segment(records: string[][], signal?: AbortSignal): Promise<{summary: object, figures: object, csv: string, rows: number}>}}
 */
export function createBatchSegmenter({ config, header, segmentLeads, typeValue, asOf = AS_OF }) {
  const reader = leadReader(config, header, { typeValue, asOf });
  const readings = leadReadings(config);
  const width = header.length;
  return {
    async segment(records, signal) {
      const figures = createFigures();
      let csv = '';
      const { summary } = await segmentLeads(config, records.map(reader.toLead), {
        now: asOf,
        metrics: true,
        keepLeads: false,
        signal,
        onLead: (lead, i) => {
          const cell = readings.leadCell(lead);
          const rfm = readings.rfm(lead);
          addLead(figures, lead, cell, rfm);
          csv += outputLine(records[i], width, lead, cell, rfm);
        },
      });
      return { summary, figures, csv, rows: records.length };
    },
  };
}
