"""The seccomp filter, compiled once by libseccomp, denies in a forked child what it must."""

from __future__ import annotations

import os
import socket
import threading

from autograder.sandbox.confinement import SeccompFilter


def test_the_compiled_filter_denies_sockets_and_processes_but_not_threads() -> None:
    seccomp = SeccompFilter()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child reports through the pipe)
        verdicts = []
        try:
            seccomp.load()
            for attempt in (socket.socket, os.fork):
                try:
                    attempt()
                    verdicts.append("allowed")
                except PermissionError:
                    verdicts.append("denied")
            thread = threading.Thread(target=verdicts.append, args=("thread",))
            thread.start()
            thread.join()
        finally:
            os.write(write, ",".join(verdicts).encode())
            os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    assert os.read(read, 100).decode() == "denied,denied,thread"
    assert os.waitstatus_to_exitcode(status) == 0
    os.close(read)
