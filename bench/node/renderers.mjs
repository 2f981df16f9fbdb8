// The renderer processes of the Chromium this node process started, found
// in /proc (Linux), and their threads' CPU time: the benches that report a
// tab's memory and CPU read these. Other Chromiums on the machine are left
// out.
import fs from 'node:fs';

function parentOf(pid) {
  // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function descendsFromUs(pid) {
  for (let p = Number(pid), hops = 0; p > 1 && hops < 20; hops++) {
    if (p === process.pid) return true;
    p = parentOf(p);
  }
  return false;
}

/** Pids (strings) of our Chromium's renderer processes alive now. */
export function ourRenderers() {
  const out = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('--type=renderer') && descendsFromUs(pid)) out.push(pid);
    } catch {
      // the process ended
    }
  }
  return out;
}

/**
 * Every thread of our renderers now: [{pid, tid, name, ticks}], `ticks` its
 * CPU time so far (user + system, in USER_HZ ticks: 1/100 s) and `name` its
 * /proc comm without a trailing number ("DedicatedWorker", "V8 DefaultWorker").
 * Threads and processes that end while being read are left out, so callers
 * that sample over a run keep a thread's last reading themselves.
 */
export function ourRendererThreads() {
  const out = [];
  for (const pid of ourRenderers()) {
    let tids = [];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // the process ended
    }
    for (const tid of tids) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[0-9]+$/, '').trim();
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.push({ pid, tid, name, ticks: Number(f[11]) + Number(f[12]) }); // utime, stime (fields 14, 15)
      } catch {
        // the thread ended
      }
    }
  }
  return out;
}

/**
 * Resident memory of renderer `pid` from /proc/<pid>/status, in bytes:
 * {rss, anon, file, shmem}. RSS counts the Chromium binary's shared pages
 * in every process (~110 MB each), so the anonymous part (heap, wasm
 * memory, V8) is what a tab's own use shows in. Null when the process ended.
 */
export function rendererMemory(pid) {
  let status;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null; // the process ended
  }
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') };
}
