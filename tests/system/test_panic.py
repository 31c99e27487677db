"""Deliberate faults (the crash= option) end in a panic report and the panic status."""
import re

import pytest

from xenolib import contract
from system_checks import assert_finished, assert_panic_with_backtrace, lines_from

FAULT_FUNCTIONS = {
    "pf": "crash_page_fault",
    "ud": "crash_invalid_opcode",
    "gp": "crash_general_protection",
    "de": "crash_divide_error",
}


@pytest.mark.parametrize("kind", sorted(FAULT_FUNCTIONS))
def test_fault_gives_symbolized_backtrace(boot, kind):
    result = boot("qemu", cmdline="crash=%s" % kind)
    report = assert_panic_with_backtrace(result, FAULT_FUNCTIONS[kind])
    if kind == "pf":
        assert any("cr2=" in line for line in report), "the page-fault report has no cr2="


def test_stack_overflow_is_caught(boot):
    result = boot("qemu", cmdline="crash=stack")
    assert_finished(result)
    assert result.verdict == "panic", result.message
    assert result.exit_code == 2
    report = lines_from(result, contract.PANIC)
    assert report, "no PANIC line"
    # The overflow reaches the double-fault handler on its own IST stack, which
    # must see that the faulting stack pointer lies in the guard page.
    assert re.search(r"double fault", report[0]), report[0]
    assert "stack overflow" in report[0], report[0]
    frames = [f.group(2) for f in contract.every(contract.FRAME, report)]
    assert "crash_stack_overflow" in frames, "frames: %s" % frames


def test_text_is_not_writable(boot):
    """W^X: a write to the hypervisor's own code is a protection-violation page fault."""
    result = boot("qemu", cmdline="crash=wx")
    report = assert_panic_with_backtrace(result, "crash_write_text")
    assert "page fault" in report[0], report[0]
    assert any("protection violation, write, supervisor" in line for line in report), \
        "the fault is not a write to a present page"
