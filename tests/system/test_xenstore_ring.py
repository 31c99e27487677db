"""Domain 0's xenstored cutting off a domain that broke the protocol, as its console says.

The guest test guests/tests/xenstore_ring (Domain 0 first, then two domains: `dom0 = 1`,
`peers = 2`) checks from inside that peer 1 gets an XS_ERROR and then silence after a
header announcing 5000 payload bytes while peer 0 is still answered. The guests suite
judges only the peers' verdicts, so this boots the same three domains, as that suite
does (QEMU, guesttests.BOOT_CPUS CPUs), and checks Domain 0's own account: exactly one
`xenstored: dN ... no longer served` line, for peer 1 and no other domain, saying why.
"""
import re

from xenolib import guesttests
from system_checks import boot_guest_test

RING = guesttests.parse_manifest(guesttests.TESTS_DIR / "xenstore_ring" / guesttests.MANIFEST)
CUT_OFF = re.compile(r"^\(d1\) xenstored: d(\d+) (.*): no longer served$")


def test_domain0_stops_serving_only_the_domain_that_broke_its_ring(boot):
    result = boot_guest_test(boot, RING, RING.boot_configs("pv64"))
    cut = [m.groups() for m in map(CUT_OFF.match, result.lines) if m]
    assert cut == [(str(RING.peer_domid(1)), "sent a message longer than 4096 bytes")], \
        "expected one line: (d1) xenstored: d%d sent a message longer than 4096 bytes: " \
        "no longer served; got %r" % (RING.peer_domid(1), cut)
    assert "(d1) verdict: PASS" in result.lines, "Domain 0 itself did not pass"
