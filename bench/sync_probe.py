#!/usr/bin/env python3
"""What a sync costs on the filesystem holding DIR right now, with nothing of ours to write.

    sync_probe.py DIR      prints "syncfs S ms, fsync F ms" (medians of 50)

On a shared machine this changes by orders of magnitude from one minute to the next: syncfs and a
journal commit wait for whatever other processes left dirty on the same filesystem. jobs.sh
records it beside every measurement, since it decides how gaitstore compares with flock+fsync.
"""
import ctypes
import os
import statistics
import sys
import time


def median_ms(action, runs=50):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def main():
    directory = sys.argv[1]
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    path = os.path.join(directory, ".sync-probe")

    def syncfs():
        if libc.syncfs(fd) != 0:
            raise OSError(ctypes.get_errno(), "syncfs " + directory)

    def append(sync):
        line = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(line, b"{}\n")
            if sync:
                os.fsync(line)
        finally:
            os.close(line)

    try:
        syncfs_ms = median_ms(syncfs)
        fsync_ms = median_ms(lambda: append(True)) - median_ms(lambda: append(False))
    finally:
        os.close(fd)
        if os.path.exists(path):
            os.remove(path)
    print("syncfs %.2f ms, fsync %.2f ms" % (syncfs_ms, max(0.0, fsync_ms)))


if __name__ == "__main__":
    main()
