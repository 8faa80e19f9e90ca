/**
 * Whether a process with this id is running on this host. Signal 0 checks for existence and
 * permission without delivering anything: `ESRCH` means no such process, `EPERM` means it exists
 * but belongs to someone else (so it is alive).
 *
 * Limits: a pid says nothing about other hosts, and pids are reused, so "alive" may be a
 * different process that got the same id. Callers pair this with an age limit where that matters.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
