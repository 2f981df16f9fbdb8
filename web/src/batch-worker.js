// The module worker segmentLeads starts for a CSV split across cores
// (batch-workers.js). One per core; see batch-worker-handler.js.
import { createWorkerHandler } from './batch-worker-handler.js';

const handle = createWorkerHandler((message, transfer) => self.postMessage(message, transfer));
self.onmessage = ({ data }) => {
  handle(data);
};
