"""Grants across a domain's death: what the hypervisor says on its console.

The guest test guests/tests/grant_orphan (two domains, `peers = 2`) checks from inside
the mapper that a granter's destruction took the mapper's entries and handles with
it. The guests suite judges only verdicts, so this boots the same two domains, as the
guests suite does (QEMU, guesttests.BOOT_CPUS CPUs), and checks the hypervisor's own
account: exactly one `grant: dN lost M mappings of destroyed dK's grants` line, for the
mapper (d2) losing both its mappings (the mailbox and the data page) of the granter
(d1), printed after d1 shut down and before its destruction is reported.
"""
import re

from xenolib import guesttests
from system_checks import boot_guest_test

ORPHAN = guesttests.parse_manifest(guesttests.TESTS_DIR / "grant_orphan" / guesttests.MANIFEST)
LOST = re.compile(r"^grant: d(\d+) lost (\d+) mappings of destroyed d(\d+)'s grants$")


def test_granter_death_clears_the_mappers_mappings(boot):
    result = boot_guest_test(boot, ORPHAN, ORPHAN.configs("pv64"))
    granter, mapper = ORPHAN.peer_domid(0), ORPHAN.peer_domid(1)
    lost = [(i, m) for i, m in enumerate(LOST.match(line) for line in result.lines) if m]
    assert [tuple(map(int, m.groups())) for _, m in lost] == [(mapper, 2, granter)], \
        "expected one line: grant: d%d lost 2 mappings of destroyed d%d's grants" \
        % (mapper, granter)
    at = lost[0][0]
    shut = result.lines.index("domain: d%d '%s' shut down: poweroff"
                              % (granter, ORPHAN.domain_names()[0]))
    destroyed = [i for i, line in enumerate(result.lines)
                 if line.startswith("domain: d%d destroyed," % granter)]
    assert shut < at and destroyed and at < destroyed[0], \
        "the lost-mappings line is not between d%d's shutdown and its destruction" % granter
    assert result.verdict == "pass", result.message
