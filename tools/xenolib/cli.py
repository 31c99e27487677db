"""The `tools/xeno` command line: parse, dispatch, and turn failures into one line."""
from __future__ import annotations

import argparse
import signal
import sys

from . import (bench, build, demo, domaincfg, image, packages, platforms, paths, runner,
               suites)
from .errors import EXIT_INTERRUPTED, UsageError, XenoError

EXIT_STATUSES = """exit status: 0 pass, 1 fail, 2 panic, 3 no verdict (timeout, or the
emulator ended without one), 4 could not run (build failed, package missing...),
64 bad command line, 130 interrupted."""


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line as one line and exit status 64."""

    def error(self, message):
        raise usage_error(self.prog, message)


def usage_error(prog: str, message: str) -> UsageError:
    """'run: MESSAGE (see `tools/xeno run --help`)' for PROG 'xeno run'."""
    command = prog.split(" ", 1)[1] + ": " if " " in prog else ""
    return UsageError("%s%s (see `tools/%s --help`)" % (command, message, prog))


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a whole number" % text)
    if value < 1:
        raise argparse.ArgumentTypeError("%r must be 1 or more" % text)
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a number of seconds" % text)
    if not value > 0:
        raise argparse.ArgumentTypeError("%r must be more than 0" % text)
    return value


def make_parser() -> Parser:
    top = Parser(prog="xeno", description="Build, boot, test and measure the Xeno "
                 "hypervisor. Start with `tools/xeno demo`, then `tools/xeno test`.")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    p = sub.add_parser("setup", help="check (and as root install) the Debian packages",
                       description="Check that every Debian package Xeno uses is "
                       "installed; as root, install the missing ones with apt-get, "
                       "otherwise print the apt-get line to run. Packages: "
                       + " ".join(packages.PACKAGES) + ".")
    p.set_defaults(handler=packages.cmd_setup)

    p = sub.add_parser("build", help="build the hypervisor, unit tests and ISOs (scons)",
                       description="Run `scons -j2` in the repository root.")
    p.add_argument("--variant", choices=["debug", "release", "all"], default="all",
                   help="what to build: build/debug, build/release, or everything "
                   "(default, unit tests included)")
    p.set_defaults(handler=build.cmd_build)

    p = sub.add_parser("image", help="make a GRUB2 multiboot2 ISO from a hypervisor ELF",
                       description="Make a bootable ISO (grub-mkrescue) that boots ELF "
                       "with multiboot2; written atomically.")
    p.add_argument("--elf", required=True, help="the hypervisor ELF (multiboot2 header)")
    p.add_argument("--out", required=True, help="the ISO to write")
    p.add_argument("--cmdline", default="", help="hypervisor command line")
    p.add_argument("--efi", action="store_true", help="a UEFI ISO instead of a BIOS one")
    p.add_argument("--module", action="append", default=[], metavar="FILE[:ARGS]",
                   help="a multiboot2 boot module, /boot/BASENAME on the ISO, with its "
                   "command line after the first colon (repeatable)")
    p.add_argument("--config", action="append", default=[], metavar="CONFIG",
                   help="a domain config: it and the images it names become boot modules "
                   "(`domain-config NAME`, `image VALUE`), as for `run` (repeatable)")
    p.set_defaults(handler=image.cmd_image)

    p = sub.add_parser("run", help="build and boot the hypervisor, stream its console",
                       description="Build the hypervisor, boot it with the given command "
                       "line (plus exit=qemu or exit=bochs) and the domains of the CONFIG "
                       "files, and stream the serial console; the exit status is the "
                       "hypervisor's verdict (XENO-STATUS). Configs are checked before "
                       "anything is built; their kernel and ramdisk paths are relative to "
                       "the config's directory. Run files are kept under build/run/.",
                       epilog=EXIT_STATUSES)
    p.add_argument("configs", nargs="*", metavar="CONFIG",
                   help="domain config files (xl.cfg style: name, type, memory, vcpus, "
                   "kernel, ramdisk, cmdline)")
    p.add_argument("--platform", choices=platforms.PLATFORMS,
                   help="qemu (TCG), bochs (VT-x with EPT) or kvm; default: kvm when it "
                   "can run a VT-x guest here, else bochs for a PVH domain and qemu otherwise")
    p.add_argument("--smp", type=_count, default=1, help="CPUs (default 1)")
    p.add_argument("--mem", type=_count, help="memory in MiB (default 256, or with "
                   "configs %d + the domains' memory if that is more)"
                   % domaincfg.HYPERVISOR_MEM_MIB)
    p.add_argument("--timeout", type=_seconds,
                   help="seconds to wait for the verdict (default: qemu/kvm %d, bochs %d)"
                   % (platforms.DEFAULT_TIMEOUT["qemu"], platforms.DEFAULT_TIMEOUT["bochs"]))
    p.add_argument("--cmdline", default="", help="hypervisor command line, e.g. "
                   "\"loglvl=debug crash=pf\"")
    p.add_argument("--variant", choices=paths.VARIANTS, default="debug",
                   help="which build to boot (default debug)")
    p.add_argument("--efi", action="store_true", help="boot a UEFI ISO (QEMU q35 + OVMF)")
    p.add_argument("-i", "--interactive", action="store_true",
                   help="type what you enter (a line at a time) on the serial console: the "
                   "debug keys, or a domain's shell through Domain 0 (Ctrl-A three times "
                   "switches); QEMU only")
    p.set_defaults(handler=runner_command)

    p = sub.add_parser("test", help="build, then run test suites with pytest",
                       description="Build everything, then run the named suites (default: "
                       "all) with pytest; suites that boot emulators run two at a time.")
    p.add_argument("suites", nargs="*", metavar="SUITE",
                   help="one of: %s" % ", ".join(suites.SUITES))
    p.add_argument("-k", metavar="EXPR", help="only tests matching this pytest -k expression")
    p.set_defaults(handler=suites.cmd_test)

    p = sub.add_parser("demo", help="build, boot Domain 0 and a Linux guest, show its shell",
                       description="Build the debug hypervisor, boot it with 2 CPUs and "
                       "512 MiB on the default platform with Domain 0 and Debian's kernel "
                       "as a PV guest (fetched with apt-get download), type a short session "
                       "into the guest's shell, stream the console and summarise what it "
                       "found. Without the Linux guest (no package lists, or Bochs) it boots "
                       "the hello PV guest instead.", epilog=EXIT_STATUSES)
    p.add_argument("--platform", choices=platforms.PLATFORMS,
                   help="default: kvm when usable, else qemu")
    p.set_defaults(handler=demo.cmd_demo)

    p = sub.add_parser("bench", help="run benchmarks, print tables of ratios",
                       description="Run the named benchmarks (default: all) and print "
                       "their measurements side by side with ratios. Known: "
                       + ", ".join(bench.load()) + ".")
    p.add_argument("names", nargs="*", metavar="NAME", help="benchmark names")
    p.set_defaults(handler=bench.cmd_bench)
    return top


def runner_command(args) -> int:
    domains = domaincfg.load_all(args.configs)          # refuse before anything else
    platform = args.platform or platforms.default_platform(
        needs_vtx=any(d.type == "pvh" for d in domains))
    mem = args.mem or runner.memory_for(domains)
    needed = domaincfg.memory_needed(domains)
    if domains and mem < needed:
        print("run: warning: --mem %d is less than the %d MiB the domains and their images need "
              "with the hypervisor's %d" % (mem, needed, domaincfg.HYPERVISOR_MEM_MIB),
              file=sys.stderr, flush=True)
    platforms.check(platform, args.smp, mem, args.efi)
    build.build_elves([args.variant])
    result = runner.boot(paths.elf(args.variant), platform, args.smp, mem,
                         args.cmdline, args.timeout, args.efi, configs=args.configs,
                         echo=runner.print_line, stdin=args.interactive)
    runner.report(result, "run", sys.stderr)
    return result.exit_code


def _terminated(signum, frame):
    raise KeyboardInterrupt   # run the same cleanup as Ctrl-C: stop the emulator


def main(argv) -> int:
    signal.signal(signal.SIGTERM, _terminated)
    try:
        parser = make_parser()
        args, extra = parser.parse_known_args(argv)
        if getattr(args, "configs", None) is not None:
            # argparse leaves positionals that follow an option unparsed: `run a.cfg
            # --smp 2 b.cfg` still means both configs.
            args.configs += [word for word in extra if not word.startswith("-")]
            extra = [word for word in extra if word.startswith("-")]
        if extra:
            # Name the subcommand whose options these are not, not the top level.
            prog = "xeno " + args.command if args.command else "xeno"
            raise usage_error(prog, "unrecognized arguments: %s" % " ".join(extra))
        if not args.command:
            raise usage_error("xeno", "no command given")
        return args.handler(args)
    except XenoError as e:
        print("xeno: %s" % e, file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("\nxeno: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as a shell tool would.
        sys.stderr.close()
        return 141
