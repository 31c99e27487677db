"""Python side of Xeno: the `tools/xeno` command and the harness the tests use.

One module per purpose: cli (argument parsing, error handling), packages (Debian
packages and `setup`), build (SCons), image (GRUB ISOs), platforms (emulator command
lines, KVM probe), runner (boot and read the verdict), contract (the serial-line
contract of docs/boot-contract.md), suites (`test`), demo, bench and benchmarks/.
"""
