"""The layers that confine a submission's processes: small named steps, run after ``fork``.

Why these parts: a job must start in a few milliseconds, so children are forked from a warm
zygote (numpy already imported) instead of started afresh. Tools that confine by starting a new
program (bubblewrap, nsjail: measured about 150 ms per job for a fresh interpreter with numpy)
cannot confine a forked Python process, so the namespace steps are the kernel's own calls
(``unshare``, ``mount``, ``pivot_root``: one line each), and the one hard part, the system-call
filter, is compiled by libseccomp through its ``pyseccomp`` binding, once per zygote; a job child
only hands the compiled program to the kernel. The order, from the zygote:

1. the outer child of a submission (trusted, still the kit's code) joins the memory cgroup when
   the grader may create one (root), drops root for ``nobody``, and unshares user, PID, IPC,
   mount, UTS and network namespaces, mapping its one uid;
2. it forks the submission's session, PID 1 of the new PID namespace, which dies with its parent,
   mounts a private tmpfs (bytes and inodes capped) and makes it the root with ``pivot_root``,
   dropping the old root (no host file remains in its mount namespace);
3. per graded function, the session forks a job child, which starts its own session, points its
   standard streams at a capped memory file, closes every other descriptor but the job's socket,
   sets resource limits and loads the seccomp filter; only then does student code run.

Each step raises :class:`ConfinementError` naming itself; ``zygote`` decides whether that refuses
the job (the default) or is recorded and skipped (``--insecure``).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import math
import os
import platform
import resource
import signal
from pathlib import Path
from typing import Any

from autograder.sandbox.protocol import Limits

NOBODY = 65534
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
CLONE_THREAD = 0x00010000
NAMESPACES = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWNET
MS_REC, MS_PRIVATE, MS_NOSUID, MS_NODEV = 0x4000, 0x40000, 0x2, 0x4
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4
PR_SET_SECCOMP, PR_SET_NO_NEW_PRIVS, SECCOMP_MODE_FILTER = 22, 38, 2
BPF_INSTRUCTION_BYTES = 8  # struct sock_filter
# glibc has no pivot_root wrapper; its number per architecture.
PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41}

# What each layer is called in the grader's output, and how an administrator enables it.
HOW_TO_ENABLE = {
    "user namespace": (
        "allow user namespaces (sysctl user.max_user_namespaces > 0; on Debian "
        "kernel.unprivileged_userns_clone=1; on Ubuntu 24.04+ "
        "kernel.apparmor_restrict_unprivileged_userns=0; in a container, a seccomp profile "
        "that permits unshare/clone with CLONE_NEWUSER)"
    ),
    "namespaces": "allow PID, IPC, mount, UTS and network namespaces inside a user namespace",
    "private root": (
        "allow mounting tmpfs and pivot_root inside a user namespace (x86_64, aarch64, riscv64)"
    ),
    "seccomp filter": (
        "install libseccomp (Debian: apt-get install libseccomp2) and the pyseccomp package "
        "(pip install pyseccomp); the kernel needs CONFIG_SECCOMP_FILTER"
    ),
    "dies with its parent": "a Linux kernel (prctl PR_SET_PDEATHSIG)",
    "resource limits": "setrlimit for CPU, address space, file size and open files",
}

# System calls numpy code never needs and a sandbox escape or a channel between jobs would:
# kernel keyrings, other processes' memory, kernel-level programs and tracing, new namespaces and
# mounts, kernel modules, the machine's clock, power, swap and accounting, and handles to files.
DENIED_SYSCALLS = [
    "keyctl",
    "add_key",
    "request_key",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "pidfd_getfd",
    "kcmp",
    "bpf",
    "perf_event_open",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "userfaultfd",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "iopl",
    "ioperm",
    "syslog",
    "quotactl",
    "name_to_handle_at",
    "open_by_handle_at",
    "lookup_dcookie",
    "fanotify_init",
    "vhangup",
    "personality",
    "socket",
    "socketpair",
    "fork",
    "vfork",
    "memfd_secret",
]

_libc = ctypes.CDLL(None, use_errno=True)


class ConfinementError(OSError):
    """One confinement layer could not be set up; ``layer`` is its name in :data:`HOW_TO_ENABLE`."""

    def __init__(self, layer: str, reason: str) -> None:
        super().__init__(f"{layer}: {reason}")
        self.layer = layer


def _check(result: int, layer: str, what: str) -> None:
    if result != 0:
        raise ConfinementError(layer, f"{what} failed ({os.strerror(ctypes.get_errno())})")


def drop_root() -> None:
    """A root zygote's child becomes ``nobody`` before anything else (only its own uid to map)."""
    if os.geteuid() != 0:
        return
    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)
    _libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # setuid cleared it; uid_map needs it back


def enter_namespaces() -> None:
    """New user, PID, IPC, mount, UTS and network namespaces, with this one uid mapped to root."""
    uid, gid = os.geteuid(), os.getegid()
    if _libc.unshare(CLONE_NEWUSER) != 0:
        raise ConfinementError("user namespace", os.strerror(ctypes.get_errno()))
    try:
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
        Path("/proc/self/gid_map").write_text(f"0 {gid} 1")
    except OSError as error:
        raise ConfinementError("user namespace", f"uid map: {error.strerror}") from error
    others = NAMESPACES & ~CLONE_NEWUSER
    _check(_libc.unshare(others), "namespaces", "unshare(PID, IPC, mount, UTS, network)")


def die_with_parent(parent_alive: int) -> None:
    """SIGKILL when the outer child dies (``parent_alive``: a pipe it holds, for the race where
    it died before this call)."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "dies with its parent", "prctl")
    try:
        if os.read(parent_alive, 1) == b"":
            os._exit(1)  # the parent is already gone: nobody would collect this child
    except BlockingIOError:
        pass  # still alive (the pipe is open and empty)
    os.close(parent_alive)


def private_root(mountpoint: str, limits: Limits) -> None:
    """Make a fresh capped tmpfs the whole filesystem: no host file stays reachable."""
    layer = "private root"
    _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), layer, "making / private")
    options = f"size={limits.scratch_bytes},nr_inodes={limits.scratch_inodes},mode=0700"
    _check(
        _libc.mount(
            b"tmpfs", mountpoint.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, options.encode()
        ),
        layer,
        "mounting tmpfs",
    )
    number = PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise ConfinementError(layer, f"pivot_root unknown on {platform.machine()}")
    os.chdir(mountpoint)
    _check(_libc.syscall(number, b".", b"."), layer, "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), layer, "detaching the old root")
    os.chdir("/")


def set_limits(limits: Limits, base_memory: int) -> None:
    """CPU (a profiling timer for the exact limit, RLIMIT_CPU behind it), memory, output, files."""
    try:
        cpu = math.ceil(limits.cpu_seconds)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        signal.setitimer(signal.ITIMER_PROF, limits.cpu_seconds)  # SIGPROF at the exact limit
        memory = base_memory + limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.output_bytes, limits.output_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (32, 32))
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    except (OSError, ValueError) as error:
        raise ConfinementError("resource limits", str(error)) from error


def virtual_memory_bytes() -> int:
    """This process's current address-space size, the base the memory cap is added to."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


class SeccompFilter:
    """The system-call filter, compiled once in the zygote and loaded in every job child.

    Denied calls fail with EPERM (a clean Python error, not a dead process); ``clone`` is allowed
    only for threads, ``clone3`` reports ENOSYS so libraries fall back to ``clone``. libseccomp
    compiles the rules to a BPF program once, here; a job child only hands that program to the
    kernel (two ``prctl`` calls), as ``seccomp_load`` would after compiling it again per job.
    """

    def __init__(self) -> None:
        try:
            import pyseccomp
        except (ImportError, OSError) as error:  # OSError: libseccomp itself is missing
            raise ConfinementError("seccomp filter", f"pyseccomp unavailable ({error})") from error
        rules = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
        denied = pyseccomp.ERRNO(errno.EPERM)
        for name in DENIED_SYSCALLS:
            try:
                rules.add_rule(denied, name)
            except OSError:
                continue  # not a system call on this architecture
        thread_flag = pyseccomp.Arg(0, pyseccomp.MASKED_EQ, CLONE_THREAD, 0)
        rules.add_rule(denied, "clone", thread_flag)
        rules.add_rule(pyseccomp.ERRNO(errno.ENOSYS), "clone3")
        self._program = _compile(rules)

    def load(self) -> None:
        """Apply the filter to this process for good (after setting no_new_privs, as the kernel
        requires of an unprivileged process)."""
        _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "seccomp filter", "no_new_privs")
        program = ctypes.byref(self._program)
        _check(
            _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, program, 0, 0),
            "seccomp filter",
            "loading the filter",
        )


class _SockFprog(ctypes.Structure):
    """The kernel's ``struct sock_fprog``: a BPF program's length (instructions) and address."""

    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _compile(rules: Any) -> _SockFprog:
    """libseccomp's BPF program for ``rules`` (a pyseccomp filter), ready for ``prctl``."""
    memory = os.memfd_create("seccomp-bpf")
    try:
        rules.export_bpf(_Descriptor(memory))
        code = os.pread(memory, os.fstat(memory).st_size, 0)
    except OSError as error:
        raise ConfinementError("seccomp filter", f"compiling failed ({error})") from error
    finally:
        os.close(memory)
    if not code or len(code) % BPF_INSTRUCTION_BYTES:
        raise ConfinementError("seccomp filter", "libseccomp exported no BPF program")
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _SockFprog(len(code) // BPF_INSTRUCTION_BYTES, ctypes.addressof(buffer))
    program.buffer = buffer  # the instructions live as long as the program
    return program


class _Descriptor:
    """What ``export_bpf`` writes to: anything with a ``fileno``."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd


class MemoryCgroup:
    """A memory cgroup for one zygote's children, where the grader may create one (cgroup v1 or v2).

    Optional: without it, the address-space limit and the tmpfs cap bound memory. One zygote runs
    one job at a time, so its children reuse one cgroup, re-limited before each job.
    """

    def __init__(self, path: Path, limit_file: str) -> None:
        self.path, self.limit_file = path, limit_file
        self._limit: int | None = None

    @classmethod
    def create(cls, name: str) -> MemoryCgroup | None:
        """Make ``name`` below this process's own memory cgroup; None where that is not allowed."""
        try:
            lines = Path("/proc/self/cgroup").read_text().splitlines()
        except OSError:
            return None
        for line in lines:
            _, controllers, where = line.split(":", 2)
            if "memory" in controllers.split(","):
                base = Path("/sys/fs/cgroup/memory") / where.lstrip("/")
                limit_file = "memory.limit_in_bytes"
                break
        else:
            unified = [line for line in lines if line.startswith("0::")]
            if not unified:
                return None
            base = Path("/sys/fs/cgroup") / unified[0][3:].lstrip("/")
            limit_file = "memory.max"
            if not (base / "cgroup.subtree_control").exists():
                return None
        try:
            if limit_file == "memory.max":
                (base / "cgroup.subtree_control").write_text("+memory")
            path = base / name
            path.mkdir(exist_ok=True)
            if not (path / limit_file).exists():
                path.rmdir()
                return None
        except OSError:
            return None
        return cls(path, limit_file)

    def limit(self, megabytes: int) -> None:
        """Cap the cgroup's memory for the next job."""
        limit = megabytes * 1024 * 1024
        if limit != self._limit:
            (self.path / self.limit_file).write_text(str(limit))
            self._limit = limit

    def join(self) -> None:
        """Move the calling process (an outer child, before it drops root) into the cgroup."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            self.path.rmdir()
