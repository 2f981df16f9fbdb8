// The renderer processes of the Chromium this node process started, found
// in /proc (Linux): the benches that report a tab's memory read their
// /proc/<pid>/status. Other Chromiums on the machine are left out.
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
