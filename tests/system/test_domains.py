"""Boot domains: bad configs and bad images are refused with a message naming the file
and what was wrong, nothing half-built stays behind, and the other domains still boot.

The hello guest (guests/tests/hello) is the well-behaved domain. Configs the tools
would refuse are handed to the hypervisor as raw modules, so its own checks are tested.
"""
import re

from xenolib import contract, paths
from system_checks import assert_finished

HELLO_CFG = paths.ROOT / "build" / "guests" / "hello" / "hello-pv64.cfg"
HELLO_ELF = paths.ROOT / "build" / "guests" / "hello" / "hello-pv64.elf"


def domain_lines(result, regex):
    return [m for m in (re.match(regex, line) for line in result.lines) if m]


def assert_hello_passed(result):
    """The good domain ran to its verdict and powered off."""
    created = domain_lines(result, r"^domain: d(\d+) 'hello' created \(pv, 8 MiB, 1 vCPU\)")
    assert created, "the hello domain was not created"
    dom = created[0].group(1)
    assert "(d%s) verdict: PASS" % dom in result.lines
    assert "domain: d%s 'hello' shut down: poweroff" % dom in result.lines


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_bad_key_is_refused_and_the_other_domain_boots(boot, tmp_path):
    bad = write(tmp_path, "bad.cfg", 'name = "bad"\nmemory = 8\nkernl = "x.elf"\n')
    result = boot("qemu", configs=[HELLO_CFG], modules=[(bad, "domain-config bad.cfg")])
    assert_finished(result)
    assert "domain: bad.cfg:3: unknown key 'kernl'" in result.lines, \
        "no refusal naming the file, line and key"
    assert not domain_lines(result, r"^domain: d\d+ 'bad' created")
    assert_hello_passed(result)
    assert result.verdict == "pass", result.message


def test_an_image_that_is_not_a_pv_kernel_is_refused(boot, tmp_path):
    junk = write(tmp_path, "junk.bin", "this is not an ELF file\n" * 40)
    cfg = write(tmp_path, "junk.cfg", 'name = "junk"\nmemory = 8\nkernel = "junk.bin"\n')
    result = boot("qemu", configs=[HELLO_CFG],
                  modules=[(cfg, "domain-config junk.cfg"), (junk, "image junk.bin")])
    assert_finished(result)
    refused = domain_lines(result, r"^domain: junk\.cfg: kernel 'junk\.bin': (.+)")
    assert refused, "no refusal naming the config and the kernel"
    assert not domain_lines(result, r"^domain: d\d+ 'junk' created")
    assert_hello_passed(result)


def test_too_little_memory_is_refused_and_every_frame_returned(boot, tmp_path):
    small = write(tmp_path, "small.cfg",
                  'name = "small"\nmemory = 1\nkernel = "hello-pv64.elf"\n')
    result = boot("qemu", configs=[HELLO_CFG], modules=[(small, "domain-config small.cfg")])
    assert_finished(result)
    refused = domain_lines(result, r"^domain: small\.cfg: kernel 'hello-pv64\.elf': "
                                   r"memory = 1 MiB is too small")
    assert refused, "no refusal saying the memory is too small"
    # The half-built domain had its 256 frames (and nothing more); all came back.
    destroyed = domain_lines(result, r"^domain: d(\d+) destroyed, (\d+) frames released")
    assert any(int(m.group(2)) == 256 for m in destroyed), \
        "the refused domain's 256 frames were not all released: %s" % \
        [m.group(0) for m in destroyed]
    assert_hello_passed(result)


def test_no_domain_started_is_a_failed_run(boot, tmp_path):
    bad = write(tmp_path, "bad.cfg", 'name = "bad"\nmemory = 8\n')
    result = boot("qemu", modules=[(bad, "domain-config bad.cfg")])
    assert_finished(result)
    assert "domain: bad.cfg: missing key 'kernel'" in result.lines
    assert result.verdict == "fail", result.message
    assert contract.STATUS.match(result.lines[-1]) and "no domain could be started" in result.lines[-1]


def test_several_domains_share_the_cpu_and_all_end(boot, tmp_path):
    cfgs = []
    for name in ("one", "two", "three"):
        text = HELLO_CFG.read_text().replace('name = "hello"', 'name = "%s"' % name)
        text = re.sub(r'kernel = "[^"]*"', 'kernel = "%s"' % HELLO_ELF, text)
        cfgs.append(write(tmp_path, name + ".cfg", text))
    result = boot("qemu", configs=cfgs)
    assert_finished(result)
    for name in ("one", "two", "three"):
        created = domain_lines(result, r"^domain: d(\d+) '%s' created" % name)
        assert created, "%s was not created" % name
        dom = created[0].group(1)
        assert "(d%s) verdict: PASS" % dom in result.lines
        assert "domain: d%s '%s' shut down: poweroff" % (dom, name) in result.lines
        assert any(re.match(r"^domain: d%s destroyed, \d+ frames released" % dom, l)
                   for l in result.lines)
    assert "xeno: all domains have ended" in result.lines
    assert result.verdict == "pass", result.message


def test_a_pv_guest_runs_under_bochs_too(boot):
    """A different CPU model (Intel, x2APIC) and emulator run the same PV guest."""
    result = boot("bochs", configs=[HELLO_CFG])
    assert_finished(result)
    assert_hello_passed(result)
    assert result.verdict == "pass", result.message


def test_preempted_hypercalls_continue_where_they_stopped(boot):
    """With preemption forced every 3 units of work, multicalls, mmu_update and
    mmuext_op batches (with and without a done pointer), the balloon and the runtime's
    set_trap_table are continued many times and every guest still passes."""
    names = ("multicall", "pt_attacks", "address_space", "balloon", "pinned_tables")
    cfgs = [paths.ROOT / "build" / "guests" / n / ("%s-pv64.cfg" % n) for n in names]
    result = boot("qemu", configs=cfgs, cmdline="hypercall_preempt_every=3")
    assert_finished(result)
    for name in names:
        created = domain_lines(result, r"^domain: d(\d+) '%s' created" % name)
        assert created, "%s was not created" % name
        dom = created[0].group(1)
        assert "(d%s) verdict: PASS" % dom in result.lines, "%s did not pass" % name
        stats = domain_lines(result, r"^domain: d%s stats: (\d+) hypercalls, (\d+) continuations"
                             % dom)
        assert stats and int(stats[0].group(2)) > 0, "%s was never preempted" % name
    assert result.verdict == "pass", result.message
