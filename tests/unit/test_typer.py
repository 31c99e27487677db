"""The runner's console typer (tools/xenolib/runner.py, _KeyTyper) against a fake QEMU: a
unix socket in front of a UART whose FIFO the guest reads only now and then, which drops
what is still waiting in the socket when the client hangs up while the FIFO is full, as
QEMU does. No emulator: the suite's Python side."""
import fcntl
import re
import select
import socket
import struct
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from xenolib import runner  # noqa: E402


class FakeQemu:
    """QEMU's socket chardev and UART as far as typing goes. One connection at a time;
    the FIFO takes bytes off the socket while it holds fewer than FIFO (QEMU stops at
    the trigger level, 14); every PERIOD s the guest reads the whole FIFO and GUEST gets
    the bytes. When the client has hung up while the FIFO is full and bytes still wait
    in the socket, they are dropped and counted (QEMU's hang-up handler runs once the
    UART takes no more). CHATTER bytes of console output are sent to each client."""

    def __init__(self, path, guest, period, fifo=14, chatter=b""):
        self.guest, self.period, self.fifo, self.chatter = guest, period, fifo, chatter
        self.taken = bytearray()
        self.dropped = 0
        self.most_in_fifo = 0
        self._fifo = bytearray()
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(path))
        self._listener.listen(8)
        self._listener.settimeout(0.01)
        self._next_read = time.monotonic() + period
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self._listener.close()

    def _guest_reads(self):
        now = time.monotonic()
        if now >= self._next_read:
            self._next_read = now + self.period
            if self._fifo:
                data, self._fifo = bytes(self._fifo), bytearray()
                self.guest(data)

    def _run(self):
        while not self._stop.is_set():
            self._guest_reads()
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            with conn:
                conn.setblocking(False)
                if self.chatter:
                    conn.sendall(self.chatter)
                self._serve(conn)

    def _serve(self, conn):
        poller = select.poll()
        poller.register(conn, select.POLLIN | select.POLLRDHUP)
        while not self._stop.is_set():
            self._guest_reads()
            room = self.fifo - len(self._fifo)
            if room > 0:
                try:
                    data = conn.recv(room)
                except BlockingIOError:
                    data = None
                if data == b"":
                    return                      # hung up, and all of it was taken
                if data:
                    self._fifo += data
                    self.taken += data
                    self.most_in_fifo = max(self.most_in_fifo, len(self._fifo))
                    continue
            else:
                events = dict(poller.poll(0)).get(conn.fileno(), 0)
                waiting = struct.unpack("i", fcntl.ioctl(conn.fileno(), termios.FIONREAD,
                                                         b"\0" * 4))[0]
                if events & (select.POLLRDHUP | select.POLLHUP) and waiting:
                    self.dropped += waiting
                    return
            time.sleep(0.001)


def echoing_shell(typer, lose=None):
    """A guest whose shell echoes what it reads as a line of d2's (as Domain 0 ends an
    unfinished line), except the LOSE-th read (from 0), which it loses."""
    reads = []

    def guest(data):
        reads.append(data)
        if lose is not None and len(reads) - 1 == lose:
            return
        typer.line("(d2) " + "".join(c for c in data.decode() if " " <= c <= "~"))
    return guest


def wait_until(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


TEXT = b"echo MD5 $(dd if=/dev/zero bs=1024 count=4096 2>/dev/null | cat | cat | md5sum)\n"


@pytest.fixture
def sock_path(tmp_path):
    return tmp_path / "console.sock"


def test_the_fake_loses_bytes_like_qemu_when_a_connection_closes_at_once(sock_path):
    # What the typer did before: pieces over connections closed at once, 0.15 s apart.
    # A guest slower than that loses most of the text.
    qemu = FakeQemu(sock_path, lambda data: None, period=0.5)
    try:
        for at in range(0, 48, 12):
            if at:
                time.sleep(0.15)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.connect(str(sock_path))
                sock.sendall(b"h" * 12)
        assert wait_until(lambda: len(qemu.taken) + qemu.dropped == 48, 5)
        assert qemu.dropped > 0
    finally:
        qemu.close()


def test_a_piece_connection_stays_until_qemu_has_read_it(sock_path):
    typer = runner._KeyTyper(sock_path, [])
    qemu = FakeQemu(sock_path, lambda data: None, period=0.1, chatter=b"console output")
    try:
        typer.type(TEXT)
        assert wait_until(lambda: len(qemu.taken) == len(TEXT), 5)
        assert bytes(qemu.taken) == TEXT
        assert qemu.dropped == 0
    finally:
        qemu.close()


def test_each_piece_waits_for_the_echo_of_the_one_before(sock_path):
    typer = runner._KeyTyper(sock_path, [(r"^\(d2\) linux:/# $", TEXT.decode())], echoed=True)
    qemu = FakeQemu(sock_path, echoing_shell(typer), period=0.05)
    try:
        typer.start()
        typer.line("(d2) init: shell on hvc0")
        typer.line("(d2) linux:/# ")
        assert wait_until(lambda: len(qemu.taken) == len(TEXT) or typer.failure)
        assert typer.failure is None
        assert bytes(qemu.taken) == TEXT
        assert qemu.dropped == 0
        # One piece at a time: the next goes only once the guest has read and echoed it.
        assert qemu.most_in_fifo <= runner._KeyTyper.PIECE
    finally:
        typer.close()
        qemu.close()


def test_a_lost_piece_ends_the_typing_naming_it(sock_path):
    typer = runner._KeyTyper(sock_path, [(r"^go$", TEXT.decode())], echoed=True)
    typer.ECHO_TIMEOUT_S = 0.5
    qemu = FakeQemu(sock_path, echoing_shell(typer, lose=1), period=0.02)
    try:
        typer.start()
        typer.line("go")
        assert wait_until(lambda: typer.failure, 10)
        second = TEXT[12:24].decode()
        assert "typed %r" % second in typer.failure, typer.failure
        assert "saw no echo of it within 0.5 s" in typer.failure, typer.failure
        # Nothing after the lost piece was typed.
        assert bytes(qemu.taken) == TEXT[:24]
    finally:
        typer.close()
        qemu.close()


def test_keys_fire_in_order_on_the_lines_after_the_last_trigger(sock_path):
    typer = runner._KeyTyper(sock_path, [(r"^a$", "x"), (r"^b$", "y", 0.05)])
    qemu = FakeQemu(sock_path, lambda data: None, period=0.01)
    try:
        typer.start()
        for line in ("b", "a", "c", "b"):
            typer.line(line)
        assert wait_until(lambda: bytes(qemu.taken) == b"xy", 5), bytes(qemu.taken)
    finally:
        typer.close()
        qemu.close()


def test_close_stops_a_typer_that_waits(sock_path):
    typer = runner._KeyTyper(sock_path, [(r"^a$", "x", 30), (r"^never$", "y")])
    typer.start()
    typer.line("a")
    started = time.monotonic()
    typer.close()
    assert time.monotonic() - started < 5
    assert typer.failure is None


def test_the_echo_of_a_piece_may_be_split_over_lines_and_domains_interleave():
    watch = runner.EchoWatch("echo MD5 $(d")
    assert not watch.line("(d2) linux:/# ")
    assert not watch.line("(d2) echo M")
    assert not watch.line("(d1) dom0: something else")
    assert not watch.line("domain: d3 vcpu0 something")
    assert not watch.line("(d3) D5 $(d")           # another domain's output
    assert watch.line("(d2) D5 $(d")


def test_control_characters_show_as_nothing_or_line_breaks():
    assert runner.echo_runs("ls\n") == ["ls"]
    assert runner.echo_runs("\x01\x01\x01") == []
    assert runner.EchoWatch("\n").shown()
    watch = runner.EchoWatch("a\tb\nc ")
    assert not watch.line("(d2) a")
    assert watch.line("(d2) b    c ")
    assert not runner.EchoWatch("ab").line("(d2) ba")
    # Trailing spaces are part of the echo.
    watch = runner.EchoWatch("sr) ")
    assert not watch.line("(d2) sr)")
    assert watch.line("(d2)  HV")


def test_other_output_may_break_into_an_echo_at_a_line_end():
    # Seen under load: a kernel message between two parts of one piece's echo, on a
    # line of its own (Domain 0 had ended the first part's line) or after the first part.
    for lines in (["&3; ", "[    8.942368] hrtimer: interrupt took 83492586 ns", "echo XSN"],
                  ["&3; [    8.942368] hrtimer: interrupt took 83492586 ns", "echo XSN"],
                  ["&3; e", "[    8.942368] x", "[    8.942369] y", "cho XSNAME $("]):
        watch = runner.EchoWatch("&3; echo XSN")
        assert [watch.line("(d2) " + line) for line in lines][-1], lines
    # The rest of a run goes on only at the start of a line.
    watch = runner.EchoWatch("&3; echo XSN")
    assert not watch.line("(d2) &3; ")
    assert not watch.line("(d2) [    8.942368] echo XSN")


def test_an_echo_with_bytes_lost_does_not_show():
    # What the old typer did under load: `PROCS ` of `echo PROCS $i` never arrived.
    watch = runner.EchoWatch(" echo PROCS $i")
    for line in ("linux:/# i=0; while [", " $i -lt 200 ]; do /bin/t",
                 "rue; i=$((i + 1)); done; echo $i", "200", "linux:/# "):
        assert not watch.line("(d2) " + line)


def test_a_uart_that_is_never_read_fails_the_typing(sock_path):
    typer = runner._KeyTyper(sock_path, [])
    typer.TAKE_TIMEOUT_S = 0.3
    qemu = FakeQemu(sock_path, lambda data: None, period=3600)
    try:
        with pytest.raises(runner.TypingError, match=r"QEMU's UART did not take all of "
                                                     r"'h{12}' in 0.3 s"):
            typer.type(b"h" * 36)
        assert qemu.dropped == 0
    finally:
        qemu.close()


def test_a_run_ended_for_typing_says_why(tmp_path):
    result = runner.RunResult(platform="qemu", verdict=None, lines=[], message="",
                              emulator_status=-15, typing_failure="typed 'x' (of 'x\\n') "
                              "and saw no echo of it within 60 s")
    runner._explain(result, "qemu", 300, tmp_path / "emulator.out")
    assert result.message == ("no verdict: typing on the console failed, so the run was "
                              "ended: typed 'x' (of 'x\\n') and saw no echo of it within 60 s")
    assert result.exit_code == 3
