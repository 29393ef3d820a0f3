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


def wait_until_os_thread_exits(native_id: int, timeout: float = 5.0) -> None:
    """A Python thread's join() returns just before its OS thread exits, so /proc can list it a
    moment longer (long enough to see under ASan). Waits for that one thread only, so a count
    taken after it still sees every other thread, workers left behind included."""
    task = f"/proc/self/task/{native_id}"
    deadline = time.perf_counter() + timeout
    while os.path.exists(task) and time.perf_counter() < deadline:
        time.sleep(0.001)


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
