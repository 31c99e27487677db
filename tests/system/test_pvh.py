"""PVH domains refused with a clear message where they cannot run: on a CPU without
VT-x (QEMU TCG), and with a kernel that has no PVH entry point (under Bochs); the PV
domain beside them still boots. The PVH guest tests themselves run in the guests suite
(environment pvh64)."""
from system_checks import assert_finished
from test_domains import HELLO_CFG, HELLO_ELF, assert_hello_passed, domain_lines, write


def pvh_config(tmp_path, kernel):
    return write(tmp_path, "p.cfg", 'name = "p"\ntype = "pvh"\nmemory = 8\nkernel = "%s"\n'
                 % kernel)


def test_pvh_without_vtx_is_refused_by_name(boot, tmp_path):
    cfg = pvh_config(tmp_path, HELLO_ELF.name)
    result = boot("qemu", configs=[HELLO_CFG],
                  modules=[(cfg, "domain-config p.cfg"), (HELLO_ELF, "image hello-pv64.elf")])
    assert_finished(result)
    assert ("domain: p.cfg: type 'pvh' needs VT-x with EPT and unrestricted guest: "
            "no usable VT-x on this CPU") in result.lines
    assert not domain_lines(result, r"^domain: d\d+ 'p' created")
    assert_hello_passed(result)


def test_pvh_kernel_without_phys32_entry_is_refused(boot, tmp_path):
    cfg = pvh_config(tmp_path, HELLO_ELF.name)
    result = boot("bochs", configs=[HELLO_CFG],
                  modules=[(cfg, "domain-config p.cfg"), (HELLO_ELF, "image hello-pv64.elf")])
    assert_finished(result)
    assert ("domain: p.cfg: kernel 'hello-pv64.elf': no PHYS32_ENTRY note: the kernel has "
            "no PVH entry point") in result.lines
    freed = domain_lines(result, r"^domain: d(\d+) destroyed, (\d+) frames released$")
    assert freed, "the half-built domain was not destroyed"
    assert not domain_lines(result, r"^domain: d\d+ 'p' created")
    assert_hello_passed(result)
