"""Boot the hypervisor on an emulator and read its verdict from the serial console.

`boot()` is the one entry point, used by `tools/xeno run`, demo, bench and the system
tests. Each call gets a fresh directory under build/run/ (so runs in parallel never
share a file) holding the ISO, the serial log, the emulator's log and its command line.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import signal
import subprocess
import tempfile
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
         tb_size: Optional[int] = None, stdin: bool = False) -> RunResult:
    """Boot ELF with CMDLINE (plus the platform's exit= option) and wait for a verdict.

    CONFIGS: domain config files; each, and each image it names, becomes a boot module
    (domaincfg.boot_modules). MEM (MiB) defaults to memory_for(configs). ECHO, when
    given, is called with each serial line as it arrives. KEYS (QEMU only): (regex, text)
    or (regex, text, delay_s) entries, in order: when a console line matches the next
    regex, its text is typed on the console (the hypervisor's debug keys), after
    delay_s seconds if given. STDIN (QEMU only): what arrives on standard input is typed
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
                    keys, cpu_flags, tb_size, guest_symbols.Annotator(domains), stdin)


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
             tb_size: Optional[int], annotator, stdin: bool = False) -> RunResult:
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

    typer = _KeyTyper(run_dir / KEYS_SOCKET, keys) if typing else None
    result = _watch(command, run_dir, env, serial, timeout, echo, typer, annotator,
                    typer.forward_stdin if stdin else None)
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


class _KeyTyper:
    """Types each (regex, text) pair's text on the console socket once a line matches.
    Each piece goes over a connection of its own that is closed at once: a connected
    reader that does not read would fill the socket and stall QEMU's UART, and while a
    connection stays open QEMU 7.2 was seen to put typed bytes into the console log.
    QEMU drops what the UART has not taken when the connection closes, so text goes in
    pieces that fit its 16-byte FIFO, with time between them for the hypervisor (which
    polls the UART every 10 ms) to read each one."""

    PIECE = 12
    PAUSE_S = 0.15

    def __init__(self, path: Path, keys):
        self.path = path
        self.keys = [(re.compile(k[0]), k[1], k[2] if len(k) > 2 else 0.0) for k in keys]
        self.booted = threading.Event()     # GRUB, which would eat typed keys, is done

    def _send(self, data: bytes) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(str(self.path))
            sock.sendall(data)

    def type(self, data: bytes) -> None:
        """Type DATA now, piece by piece."""
        try:
            for at in range(0, len(data), self.PIECE):
                if at:
                    time.sleep(self.PAUSE_S)
                self._send(data[at:at + self.PIECE])
        except OSError as e:
            raise XenoError("could not type on the console: %s" % e)

    def line(self, line: str) -> None:
        if contract.BANNER.match(line):
            self.booted.set()
        if self.keys and self.keys[0][0].search(line):
            _, text, delay = self.keys.pop(0)
            time.sleep(delay)       # the emulator runs on; its output waits in the log
            self.type(text.encode())

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
                except XenoError:
                    return              # the emulator has gone
        threading.Thread(target=forward, daemon=True).start()


def _watch(command, run_dir: Path, env, serial: Path, timeout: float, echo,
           typer=None, annotator=None, on_start=None) -> RunResult:
    """Start the emulator, follow the serial file, stop at the verdict or the deadline.
    ON_START, if given, is called once the emulator runs."""
    lines, arrived, pending = [], [], b""
    verdict, verdict_at, timed_out = None, None, False
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
            if not got:
                time.sleep(POLL_S)
    finally:
        _stop(proc)
    ended = time.monotonic()
    # What arrived between the last look and the emulator's end, and a last unfinished line.
    drain()
    if pending.strip():
        take(pending)
    if reader:
        reader.close()
    result = RunResult(platform="", verdict=verdict, lines=lines, message="",
                       timed_out=timed_out, waited_s=ended - started,
                       emulator_status=proc.returncode, arrived=arrived)
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
