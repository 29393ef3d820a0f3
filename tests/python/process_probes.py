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
    """The thread count once it equals ``expected``, or after ``timeout``. Joining a thread
    (std::thread::join, Python's join) returns when the kernel clears the thread's id, a moment
    before the task leaves /proc/self/task; under ASan that moment is long enough to see, for the
    stream's workers and the test's own timer thread alike. A thread that stays fails the caller's
    assert after the timeout; how fast a stream stops is the caller's own timing check."""
    deadline = time.perf_counter() + timeout
    count = thread_count()
    while count != expected and time.perf_counter() < deadline:
        time.sleep(0.001)
        count = thread_count()
    return count


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
