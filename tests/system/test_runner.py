"""How the runner ends runs that never reach a verdict (exit status 3, with a reason)."""
from xenolib import runner


def test_image_grub_cannot_load_ends_at_once(tmp_path, debug_elf):
    # The multiboot2 header sits in the first 32 KiB, so the image passes grub-file, but
    # GRUB runs out of file while loading it and then waits for a key forever.
    broken = tmp_path / "truncated.elf"
    broken.write_bytes(debug_elf.read_bytes()[:32768])
    result = runner.boot(broken, "qemu", timeout=60)
    print(result.text)
    assert result.verdict is None
    assert result.exit_code == 3
    assert "GRUB could not boot" in result.message, result.message
    assert result.waited_s < 30, "waited %.1f s: the runner did not notice GRUB gave up" \
        % result.waited_s


def test_timeout_is_reported_as_no_verdict(debug_elf):
    result = runner.boot(debug_elf, "qemu", timeout=0.1)
    assert result.timed_out
    assert result.verdict is None
    assert result.exit_code == 3
    assert "timed out after waiting 0.1 s" in result.message, result.message
