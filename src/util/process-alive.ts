/**
 * Whether process `pid` is running on this machine. Signal 0 checks without signalling: ESRCH
 * means gone; EPERM means alive but another user's. A reused pid reads as alive — the safe side
 * for callers that clean up after dead processes.
 */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
