"""Boot the hypervisor on an emulator and read its verdict from the serial console.

`boot()` is the one entry point, used by `tools/xeno run`, demo, bench and the system
tests. Each call gets a fresh directory under build/run/ (so runs in parallel never
share a file) holding the ISO, the serial log, the emulator's log and its command line.
"""
from __future__ import annotations

import fcntl
import os
import re
import select
import shlex
import shutil
import socket
import signal
import struct
import subprocess
import tempfile
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from . import contract, domaincfg, guest_symbols, image, paths, platforms
from .errors import EXIT_NO_VERDICT, XenoError

# After XENO-STATUS the hypervisor ends the emulator itself; give it this long.
VERDICT_GRACE_S = 10
POLL_S = 0.02
ORPHAN_MARGIN_S = 60
# build/run keeps the newest runs; older ones go once they are also an hour old (an
# hour keeps the pruning clear of any run still going on in parallel).
KEEP_RUNS = 100
PRUNE_AGE_S = 3600


@dataclass
class RunResult:
    platform: str
    verdict: Optional[str]          # "pass", "fail", "panic", or None: no verdict
    lines: list = field(repr=False)  # the serial console, cleaned, one entry per line
    message: str                    # one line saying how the run ended
    timed_out: bool = False
    waited_s: float = 0.0           # from the emulator's start to its end
    emulator_status: Optional[int] = None
    run_dir: Optional[Path] = None
    serial_log: Optional[Path] = None
    emulator_log: Optional[Path] = None
    notes: list = field(default_factory=list)   # emulator log lines worth showing
    grub_failure: Optional[str] = None          # GRUB's error when it could not boot
    typing_failure: Optional[str] = None        # why typing on the console ended the run
    arrived: list = field(default_factory=list, repr=False)  # per line: s after the start

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def exit_code(self) -> int:
        """0 pass, 1 fail, 2 panic, 3 no verdict: the status `tools/xeno run` exits with."""
        return contract.VERDICT_EXIT.get(self.verdict, EXIT_NO_VERDICT)


def new_run_dir(platform: str) -> Path:
    paths.RUNS.mkdir(parents=True, exist_ok=True)
    _prune_old_runs()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return Path(tempfile.mkdtemp(prefix="%s-%s-" % (stamp, platform), dir=paths.RUNS))


def _prune_old_runs() -> None:
    # Another process may be pruning at the same moment: a directory can vanish
    # between listing it and looking at it.
    runs = []
    for run in paths.RUNS.iterdir():
        try:
            runs.append((run.stat().st_mtime, run))
        except OSError:
            continue
    runs.sort(reverse=True)
    now = time.time()
    for mtime, old in runs[KEEP_RUNS:]:
        if now - mtime > PRUNE_AGE_S and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def boot(elf, platform: str = "qemu", smp: int = 1, mem: Optional[int] = None,
         cmdline: str = "", timeout: Optional[float] = None, efi: bool = False,
         configs=(), echo: Optional[Callable[[str], None]] = None,
         deterministic: bool = False, modules=(), keys=(), cpu_flags: str = "",
         tb_size: Optional[int] = None, stdin: bool = False,
         echoed_keys: bool = False) -> RunResult:
    """Boot ELF with CMDLINE (plus the platform's exit= option) and wait for a verdict.

    CONFIGS: domain config files; each, and each image it names, becomes a boot module
    (domaincfg.boot_modules). MEM (MiB) defaults to memory_for(configs). ECHO, when
    given, is called with each serial line as it arrives. KEYS (QEMU only): (regex, text)
    or (regex, text, delay_s) entries, in order: when a console line matches the next
    regex, its text is typed on the console (the hypervisor's debug keys), after
    delay_s seconds if given. ECHOED_KEYS: the keys go to a shell, which echoes what it
    is typed: each piece of a text is typed once the echo of the one before has shown,
    and when an echo does not show in time the run ends, its message naming what was not
    echoed (_KeyTyper). STDIN (QEMU only): what arrives on standard input is typed
    on the console as well (`tools/xeno run -i`). Lines of the hypervisor's vCPU reports get the guest
    addresses named from the domains' System.map (guest_symbols.py), in LINES and
    ECHO alike; serial.log keeps them as printed. CPU_FLAGS and TB_SIZE (QEMU TCG
    only): see platforms.qemu_command. Raises XenoError when the run
    cannot start (a bad config included); every way a started run can end is in the
    RunResult.
    """
    domains = domaincfg.load_all(configs)
    mem = mem or memory_for(domains)
    platforms.check(platform, smp, mem, efi)
    timeout = timeout or platforms.DEFAULT_TIMEOUT[platform]
    run_dir = new_run_dir(platform)
    full_cmdline = " ".join(w for w in (cmdline.strip(), platforms.EXIT_OPTION[platform]) if w)
    iso = run_dir / "xeno.iso"
    image.make_iso(Path(elf), iso, full_cmdline, efi=efi,
                   modules=image.with_configs(modules, domains))
    return _emulate(iso, run_dir, platform, smp, mem, timeout, efi, echo, deterministic,
                    keys, cpu_flags, tb_size, guest_symbols.Annotator(domains), stdin,
                    echoed_keys)


def boot_grub(files, entry: list, title: str, smp: int = 1, mem: int = 256,
              timeout: float = 60, echo: Optional[Callable[[str], None]] = None,
              cpu_flags: str = "", tb_size: Optional[int] = None) -> RunResult:
    """Boot something other than the hypervisor from a GRUB ISO on QEMU TCG, with the
    same command line as boot() (image.make_grub_iso: FILES into /boot, ENTRY the menu
    entry's lines). There is no verdict: the run ends when QEMU does (a poweroff) or at
    the timeout; the caller reads the lines."""
    platforms.check("qemu", smp, mem, False)
    run_dir = new_run_dir("qemu")
    iso = run_dir / "boot.iso"
    image.make_grub_iso(iso, files, entry, title)
    result = _emulate(iso, run_dir, "qemu", smp, mem, timeout, False, echo, False, (),
                      cpu_flags, tb_size, None)
    # _explain wrote of a missing XENO-STATUS, which nothing here prints.
    if result.timed_out:
        result.message = "timed out after %g s" % timeout
    else:
        result.message = "QEMU exited with status %s" % result.emulator_status
    if not result.timed_out and result.emulator_status == 0:
        iso.unlink(missing_ok=True)   # it powered off: the ISO is not worth its space
    return result


def _emulate(iso: Path, run_dir: Path, platform: str, smp: int, mem: int, timeout: float,
             efi: bool, echo, deterministic: bool, keys, cpu_flags: str,
             tb_size: Optional[int], annotator, stdin: bool = False,
             echoed_keys: bool = False) -> RunResult:
    """Run the emulator on ISO in RUN_DIR and follow its serial console to the end."""
    typing = bool(keys) or stdin
    if typing and platform == "bochs":
        raise XenoError("typing on the console is supported on QEMU only")
    serial = run_dir / "serial.log"
    emulator_log = run_dir / ("%s.log" % ("bochs" if platform == "bochs" else "qemu"))
    env = dict(os.environ)
    scratch = [iso]
    if platform == "bochs":
        command = platforms.write_bochsrc(run_dir, iso.name, smp, mem, serial.name,
                                          emulator_log.name)
        env["TERM"] = "dumb"   # the `term` display needs some TERM, and a plain one
    else:
        efi_vars = None
        if efi:
            # OVMF writes its variable store: each run gets its own copy.
            efi_vars = run_dir / "ovmf-vars.fd"
            shutil.copyfile(platforms.OVMF_VARS, efi_vars)
            scratch.append(efi_vars)
        command = platforms.qemu_command(platform, iso.name, smp, mem, serial.name,
                                         emulator_log.name,
                                         efi_vars.name if efi_vars else None, deterministic,
                                         KEYS_SOCKET if typing else None, cpu_flags, tb_size)
    (run_dir / "command.sh").write_text(
        "# how this run started (cwd: this directory)\n" + shlex.join(command) + "\n")

    typer = _KeyTyper(run_dir / KEYS_SOCKET, keys, echoed_keys) if typing else None
    on_start = None
    if typer:
        def on_start():
            typer.start()
            if stdin:
                typer.forward_stdin()
    result = _watch(command, run_dir, env, serial, timeout, echo, typer, annotator,
                    on_start)
    result.platform = platform
    result.run_dir, result.serial_log, result.emulator_log = run_dir, serial, emulator_log
    _explain(result, platform, timeout, run_dir / "emulator.out")
    if result.verdict == "pass":
        for path in scratch:   # the ISO is only worth keeping to rerun a failure
            path.unlink(missing_ok=True)
    return result


def memory_for(domains) -> int:
    """MiB to give the emulator when the caller names none: enough for the domains and
    the hypervisor, and never less than the usual 256."""
    mem = domaincfg.default_memory(domains)
    if mem > platforms.MAX_MEM:
        raise domaincfg.ConfigError(
            "the domains need %d MiB with the hypervisor's %d, more than the %d MiB an "
            "emulator may have" % (mem, domaincfg.HYPERVISOR_MEM_MIB, platforms.MAX_MEM))
    return mem


KEYS_SOCKET = "console.sock"


class TypingError(XenoError):
    """Typing on the console failed: the run ends, and its message says why."""


def echo_runs(piece: str) -> list:
    """What a shell shows of PIECE as it takes it: its runs of printable characters, in
    order. A newline or another control character shows as a line break, a cursor
    movement (which Domain 0 drops) or nothing."""
    return [run for run in re.split(r"[^ -~]+", piece) if run]


_DOMAIN_LINE = re.compile(r"^\((d\d+)\) (.*)$")


class EchoWatch:
    """Looks for the echo of one typed piece in the console lines that follow its
    sending: its echo_runs, in order, in what one domain printed (its "(dN) " lines).
    A run shows as one stretch of text, but it may break off at any point and go on at
    the start of a later line: Domain 0 ends a domain's unfinished line after 30 ms of
    quiet, and other output (a kernel message, which ends its line) may come between."""

    def __init__(self, piece: str):
        self.runs = echo_runs(piece)
        self.states = {}            # "dN" -> set of (run, chars of it matched, broken off)

    def line(self, line: str) -> bool:
        """Take one console line; True once the echo has shown."""
        m = _DOMAIN_LINE.match(line)
        if m and not self.shown():
            states = self.states.get(m.group(1), {(0, 0, False)})
            self.states[m.group(1)] = _echo_step(self.runs, states, m.group(2))
        return self.shown()

    def shown(self) -> bool:
        return not self.runs or any((len(self.runs), 0, False) in states
                                    for states in self.states.values())


def _echo_step(runs, states, text: str) -> set:
    """Where the search for RUNS can be after one more line, TEXT, from STATES: the
    possible (run, chars of it matched, broken off) after each one, (len(runs), 0, False)
    once all have shown. Between runs anything may come; a run broken off resumes only
    at the start of a line."""
    states = set(states) | {(r, k, False) for r, k, off in states if off}
    for c in text:
        after = set()
        for r, k, off in states:
            if off or r == len(runs):
                after.add((r, k, off))
                continue
            if k:
                after.add((r, k, True))         # the run breaks off here for now
            else:
                after.add((r, 0, False))        # not started: anything may come first
            if c == runs[r][k]:
                after.add((r + 1, 0, False) if k + 1 == len(runs[r]) else (r, k + 1, False))
        states = after
    return {(r, k, off or k > 0) for r, k, off in states}


def _unread(sock: socket.socket) -> int:
    """What SOCK has sent that its peer has not read yet (SIOCOUTQ; for a unix socket,
    in the kernel's accounting of its buffers, not bytes): 0 once the peer has read
    everything."""
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ,
                                          b"\0" * 4))[0]


class _KeyTyper:
    """Types on QEMU's console socket: each (regex, text[, delay]) entry's text once a
    console line matches (from a thread of its own, so the console is followed
    meanwhile), and with -i what arrives on standard input.

    QEMU hands the UART a byte only when its 16-byte FIFO has room and leaves the rest in
    the socket, but when the connection closes it drops whatever the UART has not taken.
    A connection left open is no cure: QEMU sends the console output on it too, and
    whenever the socket is full (a reader that falls behind by a few hundred bytes) it
    writes the byte to the serial log once per failed attempt, doubling characters. So
    each piece (at most PIECE bytes, what the FIFO takes at once) goes over a connection
    of its own, closed only once QEMU has read every byte of it (SIOCOUTQ), while the
    console output that arrives on it meanwhile is read and dropped (the log has it); a
    piece of one byte (a debug key) is closed at once.

    With ECHOED (the keys go to a shell, which echoes them), each piece goes only once
    the echo of the one before has shown on the console (EchoWatch), so the UART is
    empty whenever a piece arrives and the connection is open for a moment only; when an
    echo does not show within ECHO_TIMEOUT_S, typing stops and the run ends, naming the
    piece. Text from standard input is typed without waiting for an echo (its target may
    be the debug keys, which do not echo)."""

    PIECE = 12
    ECHO_TIMEOUT_S = 60.0
    TAKE_TIMEOUT_S = 60.0           # for QEMU to read one piece off the socket

    def __init__(self, path: Path, keys, echoed: bool = False):
        self.path = path
        self.keys = [(re.compile(k[0]), k[1], k[2] if len(k) > 2 else 0.0) for k in keys]
        self.echoed = echoed
        self.booted = threading.Event()     # GRUB, which would eat typed keys, is done
        self.failure = None                 # why typing stopped, once it has
        self._lines = []
        self._seen = threading.Condition()  # guards _lines and _ended
        self._ended = False
        self._typing = threading.Lock()     # one text at a time on the console
        self._thread = None

    def start(self) -> None:
        """Start typing the keys as their lines come (call once the emulator runs)."""
        if self.keys:
            self._thread = threading.Thread(target=self._type_keys, daemon=True)
            self._thread.start()

    def line(self, line: str) -> None:
        """Take the next console line (from the thread that follows the console)."""
        if contract.BANNER.match(line):
            self.booted.set()
        with self._seen:
            self._lines.append(line)
            self._seen.notify_all()

    def close(self) -> None:
        """The run has ended: stop typing (the emulator is gone)."""
        with self._seen:
            self._ended = True
            self._seen.notify_all()
        if self._thread:
            self._thread.join(self.TAKE_TIMEOUT_S)

    def _wait(self, until, timeout: Optional[float] = None) -> bool:
        """Wait (holding _seen) until UNTIL() is true: True; False when the run ends or
        TIMEOUT seconds pass first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not until():
            if self._ended:
                return False
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            self._seen.wait(left)
        return True

    def _type_keys(self) -> None:
        at = 0              # the next line to look at
        try:
            for regex, text, delay in self.keys:
                with self._seen:
                    while True:
                        if not self._wait(lambda: len(self._lines) > at):
                            return
                        at += 1
                        if regex.search(self._lines[at - 1]):
                            break
                    if delay:
                        self._wait(lambda: False, delay)   # the emulator runs on
                    if self._ended:
                        return
                self.type(text.encode(), self.echoed)
        except TypingError as e:
            with self._seen:
                if not self._ended:     # else the emulator went first: that is the news
                    self.failure = str(e)

    def type(self, data: bytes, echoed: bool = False) -> None:
        """Type DATA now, piece by piece; with ECHOED each piece waits for the echo of
        the one before, and the last one's echo is waited for too."""
        with self._typing:
            for at in range(0, len(data), self.PIECE):
                piece = data[at:at + self.PIECE]
                with self._seen:
                    since = len(self._lines)
                self._send(piece)
                if echoed:
                    self._await_echo(piece.decode("utf-8", "replace"), since, data)

    def _await_echo(self, piece: str, since: int, data: bytes) -> None:
        watch = EchoWatch(piece)
        looked = since

        def shown() -> bool:
            nonlocal looked
            while looked < len(self._lines):
                looked += 1
                if watch.line(self._lines[looked - 1]):
                    return True
            return watch.shown()

        with self._seen:
            if self._wait(shown, self.ECHO_TIMEOUT_S) or self._ended:
                return
        raise TypingError("typed %r (of %r) and saw no echo of it within %g s: bytes were "
                          "lost on the way, or the console does not echo"
                          % (piece, data.decode("utf-8", "replace"), self.ECHO_TIMEOUT_S))

    def _send(self, piece: bytes) -> None:
        """Type PIECE over a connection of its own, closed once QEMU has read all of it."""
        deadline = time.monotonic() + self.TAKE_TIMEOUT_S
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.connect(str(self.path))
                sock.sendall(piece)
                # A single byte (a debug key) is closed at once: the UART takes it
                # unless its FIFO is full, and keeping the connection open while
                # the key's answer (a dump of hundreds of lines) comes is what
                # doubles characters in the log when this thread falls behind.
                while len(piece) > 1 and _unread(sock):
                    if self._ended:
                        return
                    if time.monotonic() > deadline:
                        raise TypingError(
                            "QEMU's UART did not take all of %r in %g s: the hypervisor "
                            "is not reading the console"
                            % (piece.decode("utf-8", "replace"), self.TAKE_TIMEOUT_S))
                    ready, _, _ = select.select([sock], [], [], 0.01)
                    if ready and not sock.recv(65536):
                        raise TypingError("QEMU closed the console connection before "
                                          "reading %r" % piece.decode("utf-8", "replace"))
        except OSError as e:
            raise TypingError("could not type on the console: %s" % e) from None

    def forward_stdin(self) -> None:
        """Type what arrives on our standard input (a terminal sends a line at a time),
        from a thread of its own, once the hypervisor's banner shows, until it ends."""
        def forward():
            self.booted.wait()      # what is typed before goes to GRUB
            while True:
                data = os.read(0, 4096)
                if not data:
                    return
                try:
                    self.type(data)
                except TypingError:
                    return              # the emulator has gone
        threading.Thread(target=forward, daemon=True).start()


def _watch(command, run_dir: Path, env, serial: Path, timeout: float, echo,
           typer=None, annotator=None, on_start=None) -> RunResult:
    """Start the emulator, follow the serial file, stop at the verdict or the deadline.
    ON_START, if given, is called once the emulator runs."""
    lines, arrived, pending = [], [], b""
    verdict, verdict_at, timed_out, typing_failure = None, None, False, None
    banner_seen, grub_error, grub_gave_up = False, None, False

    def take(raw: bytes) -> None:
        nonlocal verdict, verdict_at, banner_seen, grub_error, grub_gave_up
        line = contract.clean(raw.decode("utf-8", "replace"))
        if annotator:
            line = annotator.line(line)
        lines.append(line)
        arrived.append(time.monotonic() - started)
        if echo:
            echo(line)
        if typer:
            typer.line(line)
        if not banner_seen:
            # Before the banner the serial line is GRUB's. When GRUB cannot load the
            # image it waits for a key forever: stop at once and say why.
            banner_seen = bool(contract.BANNER.match(line))
            if line.strip().startswith("error:"):
                grub_error = grub_error or line.strip()
            if contract.GRUB_GAVE_UP.search(line):
                grub_gave_up = True
        m = contract.STATUS.match(line)
        if m and verdict is None:
            verdict, verdict_at = m.group(1), time.monotonic()

    # Should this process die without cleaning up, coreutils' timeout still ends the
    # emulator a little after our own deadline would have.
    command = ["timeout", "-k", "5", "%d" % (timeout + ORPHAN_MARGIN_S), *command]
    with open(run_dir / "emulator.out", "wb") as out:
        # A session of its own: Ctrl-C reaches only us, and we end the emulator's group.
        proc = subprocess.Popen(command, cwd=run_dir, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    started = time.monotonic()
    reader = None
    if on_start:
        on_start()

    def drain() -> bool:
        """Take every complete line that has arrived; True if anything arrived."""
        nonlocal reader, pending, grub_gave_up
        if reader is None and serial.exists():
            reader = open(serial, "rb")
        chunk = reader.read() if reader else b""
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for raw in complete:
            take(raw)
        if not banner_seen and contract.GRUB_GAVE_UP.search(pending.decode("utf-8", "replace")):
            grub_gave_up = True   # GRUB's prompt ends without a newline
        return bool(chunk)

    try:
        while True:
            got = drain()
            if proc.poll() is not None or grub_gave_up:
                break
            now = time.monotonic()
            if verdict is not None and now - verdict_at > VERDICT_GRACE_S:
                break
            if verdict is None and now - started > timeout:
                timed_out = True
                break
            if typer and typer.failure and verdict is None:
                typing_failure = typer.failure
                break
            if not got:
                time.sleep(POLL_S)
    finally:
        _stop(proc)
        if typer:
            typer.close()
    ended = time.monotonic()
    # What arrived between the last look and the emulator's end, and a last unfinished line.
    drain()
    if pending.strip():
        take(pending)
    if reader:
        reader.close()
    result = RunResult(platform="", verdict=verdict, lines=lines, message="",
                       timed_out=timed_out, waited_s=ended - started,
                       emulator_status=proc.returncode, arrived=arrived,
                       typing_failure=typing_failure)
    if grub_gave_up and verdict is None:
        result.grub_failure = grub_error or "GRUB could not boot the image"
    return result


def _stop(proc: subprocess.Popen) -> None:
    """End the emulator and anything it started: TERM, then KILL if it lingers."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 1), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _explain(result: RunResult, platform: str, timeout: float, out_file: Path) -> None:
    """Fill in result.message (one line) and result.notes from the logs."""
    name = "Bochs" if platform == "bochs" else "QEMU"
    if platform == "bochs":
        result.notes = _bochs_notes(result.emulator_log)
    status = result.emulator_status
    if result.verdict:
        result.message = "XENO-STATUS: %s" % result.verdict
        said = contract.QEMU_EXIT_STATUS.get(status)
        if platform != "bochs" and status is not None and status >= 0 and said != result.verdict:
            result.notes.append("QEMU exited with status %d, not the %s exit status"
                                % (status, result.verdict))
        return
    if result.grub_failure:
        result.message = ("no verdict: GRUB could not boot the hypervisor (%s)"
                          % result.grub_failure)
        return
    if result.timed_out:
        result.message = ("no verdict: timed out after waiting %g s for XENO-STATUS on %s "
                          "(raise it with --timeout)" % (timeout, platform))
        return
    if result.typing_failure:
        result.message = ("no verdict: typing on the console failed, so the run was ended: %s"
                          % result.typing_failure)
        return
    said = contract.QEMU_EXIT_STATUS.get(status) if platform != "bochs" else None
    if said:
        why = ("it exited with the hypervisor's %s status (%d), but no XENO-STATUS line "
               "reached the serial log" % (said, status))
    elif platform != "bochs" and status == 0:
        why = "it exited with status 0, which with -no-reboot means a triple fault or reset"
    elif platform == "bochs":
        # Bochs's own output is terminal drawing; its log says what went wrong.
        why = "it exited with status %s" % status
        if result.notes:
            why += "; its log says: " + result.notes[0]
    else:
        why = "it exited with status %s" % status
        last = _last_line(out_file)
        if last:
            why += ": " + last
    result.message = "no verdict: %s ended before XENO-STATUS; %s" % (name, why)


def _bochs_notes(log: Path) -> list:
    """Bochs log lines that explain a failure: failed VM entries and panics. The
    'Shutdown port' panic is how every run ends, so it is not news."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return []
    notes = [line.strip() for line in text.splitlines()
             if ("VMENTER FAIL" in line or ">>PANIC<<" in line) and "Shutdown port" not in line]
    return notes[:10]


def _last_line(path: Path) -> str:
    try:
        lines = [l.strip() for l in path.read_text(errors="replace").splitlines() if l.strip()]
    except OSError:
        return ""
    return contract.clean(lines[-1]) if lines else ""


def report(result: RunResult, what: str, stream) -> None:
    """How a run ended, for people: one line, plus where to look when it did not pass."""
    print("%s: %s (%s, %.1f s)" % (what, result.message, result.platform, result.waited_s),
          file=stream)
    for note in result.notes:
        print("%s: %s: %s" % (what, result.platform, note), file=stream)
    if result.verdict != "pass":
        print("%s: serial log: %s" % (what, result.serial_log), file=stream)
        print("%s: emulator log: %s" % (what, result.emulator_log), file=stream)
        print("%s: rerun the emulator: cd %s && sh command.sh" % (what, result.run_dir),
              file=stream)
    stream.flush()


def print_line(line: str) -> None:
    print(line, flush=True)
