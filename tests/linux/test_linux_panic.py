"""Debian's kernel panicking early, beside another domain: with `rdinit=/nonexistent`
it finds no init in the initramfs and no root device, and panics ("VFS: Unable to
mount root fs"). Its Xen panic handling shuts the domain down with reason crash
(SCHEDOP_shutdown), and the hypervisor reports the crashing vCPU: the reason, its
registers and a stack whose words the runner names from the kernel's System.map
(rebuilt from its kallsyms, tools/xenolib/kallsyms.py), down through `panic`. The
ticker beside it, set to outlive the panic by a wide margin, keeps ticking and ends
well: one domain's crash is that domain's alone.
"""
import re

from xenolib import errors, linux_guest, paths, runner

TICKER_ELF = paths.ROOT / "build" / "guests" / "ticker" / "ticker-pv64.elf"
HEX = "[0-9a-f]{16}"
WORD = HEX + "( <[^>]+>)?"
# 40 s of ticks: the panic comes some 7 s into an unloaded boot.
TICKER_CMDLINE = "ticks=400 period_ms=100"


def index(lines, regex, start=0):
    for i in range(start, len(lines)):
        if re.search(regex, lines[i]):
            return i
    raise AssertionError("no line matching %r after line %d" % (regex, start))


def test_a_panicking_kernel_is_reported_with_symbols_and_the_other_domain_runs_on(tmp_path):
    try:
        linux_guest.prepare()
    except errors.XenoError as e:
        raise AssertionError("cannot prepare the Linux guest: %s" % e) from None
    config = linux_guest.variant_config("linux-panic.cfg", "linux-panic", "rdinit=/nonexistent")
    ticker_elf = tmp_path / TICKER_ELF.name
    ticker_elf.symlink_to(TICKER_ELF)
    ticker = tmp_path / "ticker.cfg"
    ticker.write_text('name = "ticker"\nmemory = 8\nkernel = "%s"\ncmdline = "%s"\n'
                      % (TICKER_ELF.name, TICKER_CMDLINE))
    result = runner.boot(paths.elf("debug"), "qemu", smp=2, configs=[config, ticker],
                         timeout=300)
    print(result.message)
    print("run directory:", result.run_dir)
    print("\n".join(result.lines))
    assert not result.timed_out, result.message
    lines = result.lines

    index(lines, r"^\(d1\) \[[ 0-9.]+\] Kernel panic - not syncing: VFS: Unable to mount root")
    shut = index(lines, r"^domain: d1 'linux-panic' shut down: crash$")
    start = index(lines, r"^domain: d1 vcpu(\d+) crash report: the guest shut itself down "
                         r"with reason crash$", shut)
    vcpu = re.match(r"^domain: d1 (vcpu\d+) ", lines[start]).group(1)
    end = start
    while lines[end].startswith("domain: d1 %s " % vcpu):
        end += 1
    text = "\n".join(lines[start:end])
    assert re.search(r"%s \w+ on cpu\d, kernel mode, the vCPU that crashed$" % vcpu, text, re.M)
    # rip in a kernel function (the hypercall it made), every register, cr3.
    assert re.search(r"rip=%s <\w+\+0x[0-9a-f]+> rsp=%s rflags=%s$" % (HEX, HEX, HEX),
                     text, re.M), text
    assert re.search(r"cs=e033 ss=e02b ", text), text
    for regs in (("rax", "rbx", "rcx", "rdx"), ("rsi", "rdi", "rbp", "r8"),
                 ("r9", "r10", "r11", "r12"), ("r13", "r14", "r15")):
        assert re.search(" ".join(r"%s=%s" % (r, WORD) for r in regs) + "$", text, re.M), regs
    assert re.search(r"cr2=%s cr3=%s" % (HEX, HEX), text), text
    assert re.search(r"stack at %s \(32 words\):$" % HEX, text, re.M), text
    trace = text[text.index("call trace guess"):]
    # The stack runs down through panic() to where it was called from.
    assert re.search(r"\[%s\] %s <panic\+0x[0-9a-f]+>" % (HEX, HEX), trace), trace
    assert re.search(r"\[%s\] %s <mount_block_root\+0x[0-9a-f]+>" % (HEX, HEX), trace), trace

    # The ticker ran through the crash and after it, and finished.
    assert index(lines, r"^\(d2\) tick \d+$") < shut, "the ticker never ticked before the crash"
    index(lines, r"^\(d2\) tick \d+$", end)
    index(lines, r"^\(d2\) verdict: PASS$", end)
    index(lines, r"^domain: d2 'ticker' shut down: poweroff$", end)
    assert result.verdict == "pass", result.message
