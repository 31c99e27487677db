"""The hypervisor's vCPU reports (xen/vcpu_dump.c): the crash report of a domain that
took a fault it has no handler for, and the `d` debug key's dump of every vCPU of every
domain, each with registers, the top of the guest stack and a call-trace guess whose
addresses the runner names from the guest's System.map (tools/xenolib/guest_symbols.py).
"""
import re

from xenolib import paths
from system_checks import assert_finished

GUESTS = paths.ROOT / "build" / "guests"
CRASH = GUESTS / "crash_report" / "crash_report-pv64.cfg"
TICKER_ELF = GUESTS / "ticker" / "ticker-pv64.elf"
HEX = "[0-9a-f]{16}"
WORD = HEX + "( <[^>]+>)?"      # a value, named when it lies in the guest's code


def index(lines, regex, start=0):
    for i in range(start, len(lines)):
        if re.search(regex, lines[i]):
            return i
    raise AssertionError("no line matching %r after line %d" % (regex, start))


def ticker_config(tmp_path, name, vcpus=1, cmdline=""):
    link = tmp_path / TICKER_ELF.name
    if not link.exists():
        link.symlink_to(TICKER_ELF)     # its System.map is found beside the target
    path = tmp_path / ("%s.cfg" % name)
    path.write_text('name = "%s"\nmemory = 8\nvcpus = %d\nkernel = "%s"\ncmdline = "%s"\n'
                    % (name, vcpus, TICKER_ELF.name, cmdline))
    return path


def test_a_fatal_fault_is_reported_with_registers_stack_and_symbols(boot, tmp_path):
    result = boot("qemu", smp=2, configs=[CRASH, ticker_config(tmp_path, "beside")])
    assert_finished(result)
    lines = result.lines
    crashed = index(lines, r"^domain: d1 'crash_report' crashed: no guest handler for "
                           r"vector 14$")
    shut = index(lines, r"^domain: d1 'crash_report' shut down: crash$", crashed)
    start = index(lines, r"^domain: d1 vcpu0 crash report: no guest handler for vector 14$",
                  shut)
    end = start
    while lines[end].startswith("domain: d1 vcpu0 "):      # its lines, one after another
        end += 1
    assert end < index(lines, r"^domain: d1 destroyed", start)
    text = "\n".join(lines[start:end])
    assert re.search(r"vcpu0 \w+ on cpu\d, kernel mode, the vCPU that crashed$", text, re.M)
    # rip in the function that faulted, named from build/guests/crash_report/System.map.
    assert re.search(r"rip=%s <crash_level_two\+0x[0-9a-f]+> rsp=%s rflags=%s" % (HEX, HEX, HEX),
                     text), text
    assert re.search(r"cs=e033 ss=e02b ", text), text
    for name in ("rax", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11"):
        assert re.search(r"\b%s=%s\b" % (name, HEX), text), name
    for name, marker in (("rbx", "11"), ("r12", "12"), ("r13", "13"), ("r14", "14"),
                         ("r15", "15")):
        assert "%s=%s" % (name, marker * 8) in text, name
    assert re.search(r"cr2=000000000dead000 cr3=%s" % HEX, text), text
    words = int(re.search(r"stack at %s \((\d+) words\):" % HEX, text).group(1))
    assert words == 32, text
    assert len(re.findall(r"^domain: d1 vcpu0   %s:( %s){1,4}" % (HEX, HEX), text, re.M)) == 8
    trace = text[text.index("call trace guess"):]
    # The return addresses of the calls that led there.
    assert re.search(r"\[%s\] %s <crash_level_one\+0x" % (HEX, HEX), trace), trace
    assert re.search(r"\[%s\] %s <xtest_expect_crash\+0x" % (HEX, HEX), trace), trace
    # The domain beside it ran on and finished.
    index(lines, r"^\(d2\) verdict: PASS$")
    index(lines, r"^domain: d2 'beside' shut down: poweroff$")
    assert result.verdict == "pass", result.message


def test_the_dump_key_shows_every_vcpu_of_every_domain(boot, tmp_path):
    # Two domains of two vCPUs each; the second vCPUs are never brought up.
    configs = [ticker_config(tmp_path, "first", vcpus=2),
               ticker_config(tmp_path, "second", vcpus=2)]
    result = boot("qemu", smp=2, configs=configs, keys=[(r"^\(d2\) tick 3$", "d")])
    assert_finished(result)
    lines = result.lines
    dump = index(lines, r"^keys: domains and vCPUs$")
    for dom in (1, 2):
        for vcpu in (0, 1):
            p = r"^keys: d%d vcpu%d " % (dom, vcpu)
            at = index(lines, p + r"(runnable|blocked|down)( \(never given a context\))?(, paused)? on cpu\d, "
                       r"(kernel|user) mode", dump)
            index(lines, p + r"rip=%s rsp=%s rflags=%s$" % (WORD, WORD, WORD), at)
            index(lines, p + r"rax=%s rbx=%s rcx=%s rdx=%s$" % (WORD, WORD, WORD, WORD), at)
            index(lines, p + r"r13=%s r14=%s r15=%s$" % (WORD, WORD, WORD), at)
            index(lines, p + r"cr2=%s cr3=%s" % (HEX, HEX), at)
            index(lines, p + r"stack at %s (\(\d+ words\):|unreadable: .+)$" % (HEX), at)
        # vCPU 0 has run: its stack is read; vCPU 1 never had page tables.
        index(lines, r"^keys: d%d vcpu0 stack at %s \(32 words\):$" % (dom, HEX), dump)
        index(lines, r"^keys: d%d vcpu1 down \(never given a context\) on cpu" % dom, dump)
        index(lines, r"^keys: d%d vcpu1 stack at %s unreadable: no page tables$"
              % (dom, HEX), dump)
        # Its rip is in the ticker's own code (its hypercall page, while it blocks).
        index(lines, r"^keys: d%d vcpu0 rip=%s <\w+\+0x[0-9a-f]+>" % (dom, HEX), dump)
    for dom in (1, 2):
        index(lines, r"^\(d%d\) verdict: PASS$" % dom, dump)
    assert result.verdict == "pass", result.message
