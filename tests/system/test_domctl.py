"""Domain control's destroy, which the guests suite cannot judge (the destroyed
domain never prints a verdict): the domctl guest, privileged and told `destroy=2`,
destroys a ticker domain while it runs; the ticker stops with the reason said, the
control domain hears of it (VIRQ_DOM_EXC) and passes, and the run ends well."""
from xenolib import paths
from system_checks import assert_finished

DOMCTL_ELF = paths.ROOT / "build" / "guests" / "domctl" / "domctl-pv64.elf"
TICKER_ELF = paths.ROOT / "build" / "guests" / "ticker" / "ticker-pv64.elf"


def link(tmp_path, elf):
    (tmp_path / elf.name).symlink_to(elf)


def test_the_control_domain_destroys_a_running_domain(boot, tmp_path):
    link(tmp_path, DOMCTL_ELF)
    link(tmp_path, TICKER_ELF)
    control = tmp_path / "control.cfg"
    control.write_text('name = "control"\nmemory = 8\nkernel = "%s"\nprivileged = 1\n'
                       'cmdline = "destroy=2"\n' % DOMCTL_ELF.name)
    victim = tmp_path / "victim.cfg"
    victim.write_text('name = "victim"\nmemory = 8\nkernel = "%s"\n' % TICKER_ELF.name)
    result = boot("qemu", smp=2, configs=[control, victim])
    assert_finished(result)
    lines = result.lines
    assert "domain: d2 'victim' destroyed by d1" in lines
    assert "domain: d2 'victim' shut down: destroyed by the control domain" in lines
    assert not any(l.startswith("(d2) verdict") for l in lines), "the victim finished first"
    assert "(d1) verdict: PASS" in lines
    assert any(l.startswith("domain: d2 destroyed,") for l in lines)
    assert result.verdict == "pass", result.message
