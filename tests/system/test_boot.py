"""Healthy boots: banner, memory, CPUs, timer ticks, CPU virtualization features.

Bochs tests come first so that pytest-xdist starts the slowest boots early.
"""
import pytest

from xenolib import contract
from system_checks import assert_finished, assert_healthy_boot

MEM_MIB = 256


@pytest.mark.parametrize("smp", [1, 2])
def test_bochs_boots_and_reports_vmx_with_ept(boot, smp):
    result = boot("bochs", smp=smp, mem=MEM_MIB)
    assert_healthy_boot(result, smp, MEM_MIB)
    m = contract.first(contract.VMX, result.lines)
    assert m, "no vmx: line"
    assert m.group(1).startswith("supported, EPT yes"), m.group(0)


@pytest.mark.parametrize("smp", [1, 2, 4])
def test_qemu_boots_and_reports_svm_with_npt(boot, smp):
    result = boot("qemu", smp=smp, mem=MEM_MIB)
    assert_healthy_boot(result, smp, MEM_MIB)
    m = contract.first(contract.SVM, result.lines)
    assert m, "no svm: line"
    assert m.group(1) == "supported, NPT yes", m.group(0)


def test_qemu_uefi_boots_to_pass(boot):
    result = boot("qemu", efi=True)
    assert_finished(result)
    assert result.verdict == "pass", result.message
    assert contract.first(contract.BANNER, result.lines), "no banner"
