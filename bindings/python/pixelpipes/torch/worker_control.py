"""A small file shared by a dataset and its copies in DataLoader worker processes.

DataLoader gives each worker a copy of the dataset (forked or pickled), so what the main process
does to its own object later never reaches them, and what they do never reaches it. The file is
the one channel both see: the main process writes the epoch that ``set_epoch`` chose (workers
that persist across epochs read it at each new iteration), and workers leave a mark that they
iterate (so the main process knows that its own state does not move)."""
from __future__ import annotations

import json
import os
import tempfile
from typing import Optional, Tuple


class WorkerControl:
    def __init__(self):
        fd, self.path = tempfile.mkstemp(prefix="pixelpipes-loader-", suffix=".json")
        os.close(fd)
        self._owner = os.getpid()
        self.write_epoch(None, 0)

    def write_epoch(self, epoch: Optional[int], generation: int) -> None:
        tmp = f"{self.path}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            json.dump({"epoch": epoch, "generation": generation}, f)
        os.replace(tmp, self.path)  # readers see the old file or the new one, never half of one

    def read_epoch(self) -> Tuple[Optional[int], int]:
        """(epoch set by the main process, generation); (None, 0) if the file is gone."""
        try:
            with open(self.path) as f:
                data = json.load(f)
            return data.get("epoch"), int(data.get("generation", 0))
        except (OSError, ValueError):
            return None, 0

    def mark_worker(self) -> None:
        try:
            with open(self.path + ".workers", "a"):
                pass
        except OSError:
            pass

    def workers_iterated(self) -> bool:
        return os.path.exists(self.path + ".workers")

    def close(self) -> None:
        if os.getpid() != self._owner:  # a worker's copy: the file is the main process's
            return
        for path in (self.path, self.path + ".workers"):
            try:
                os.unlink(path)
            except OSError:
                pass

    def __del__(self):
        try:
            self.close()
        except Exception:  # at interpreter shutdown
            pass
