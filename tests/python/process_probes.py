"""What the shutdown and memory tests measure about this process: its OS threads and its RSS.

Under ``make sanitize`` the interpreter runs with libasan preloaded. ASan keeps freed memory in
its quarantine (that is how it catches use after free), so RSS grows by design there and says
nothing about leaks; the RSS checks run in ``make test``, and the C++ suite checks leaks under
LeakSanitizer."""
import os
import time

UNDER_ASAN = "libasan" in os.environ.get("LD_PRELOAD", "")


def thread_count() -> int:
    return len(os.listdir("/proc/self/task"))


def settled_thread_count(expected: int, timeout: float = 5.0) -> int:
    """The thread count once it reaches ``expected`` or ``timeout`` passes. A Python thread's
    join() returns just before its OS thread exits, so /proc can list it a moment longer (long
    enough to see under ASan); a thread that never goes away still fails the caller's assert."""
    deadline = time.perf_counter() + timeout
    count = thread_count()
    while count != expected and time.perf_counter() < deadline:
        time.sleep(0.005)
        count = thread_count()
    return count


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
