"""Self-checking guest tests (guests/tests/NAME): their manifests, the domain configs
built for them, and how a boot's console is judged.

Used by guests/SConscript (which builds one ELF and one config per test and
environment) and by the `guests` pytest suite (tests/guests/), so both read a
manifest the same way.

A manifest, guests/tests/NAME/manifest, is `key = value` lines in the style of a
domain config (`#` starts a comment; strings in double quotes):

    environments = "pv64"          # required: where the test runs, space-separated
    summary = "what it checks"     # one line for people
    memory = 8                     # MiB (default 8)
    vcpus = 1                      # (default 1)
    cmdline = "..."                # the guest's command line (default empty)
    expect_shutdown = "reboot"     # the reason a passing test shuts down with
                                   # (default poweroff); "crash": the test passes
                                   # when the hypervisor crashes its domain
    crash_reason = "..."           # with "crash": text its "crashed:" line must hold
    boot = "alone"                 # a boot of its own; by default ("shared") tests
                                   # of one environment share boots (plan_boots)
    peers = 2                      # boot this many domains of the same image together
                                   # (default 1); see "Peers" below
    peer_environments = "pv64 pvh64"  # with peers: each peer's environment, in
                                   # order (default: every peer in each of
                                   # `environments` in turn); see "Mixed peers"
    privileged = 1                 # its domain (peer 0 of peers) is the control domain
                                   # (default 0; a boot of its own)
    dom0 = 1                       # boot Domain 0 (build/dom0/dom0.cfg) first, as d1,
                                   # to serve its xenstore and console rings
                                   # (default 0; a boot of its own)
    cpus = "0"                     # the CPUs its domains (every peer's) may run on:
                                   # the config key of that name, naming only CPUs
                                   # of the boot (BOOT_CPUS); default anywhere

Peers. A test with `peers = N` (2..PEERS_MAX) is N domains of one image, in a boot
of their own: domain K (0-based) is named NAME-pK, built from NAME-ENV-pK.cfg, and
its command line (after the manifest's) says `peer=K peers=N peer_domids=D0,D1,...`.
The hypervisor numbers a boot's domains from 1 in the order of their configs, so
peer K is domain K + 1 (PEER_FIRST_DOMID); the judge checks that it was. The item
passes only when every peer passes on its own terms (judge_domain).

Mixed peers. With `peer_environments` (one environment per peer, each also in
`environments`, so SCons builds its image) the test is one boot in which peer K runs
its image of the K-th environment: one item, its environment named by joining them
with "+" (e.g. `NAME[pv64+pvh64]`, MIXED_SEP), on the platform the most demanding of
them needs (platform_for). Peer K's config is NAME-ENVK-pK.cfg; the judge also checks
that each peer's domain was created with its own environment's type.

Domain 0. A test with `dom0 = 1` boots build/dom0/dom0.cfg (docs/dom0.md) as the
first config of a boot of its own: Domain 0 is d1, so the test's domains (and
peer_domids) start at d2. The judge still looks only at the test's own domains, by
name; Domain 0's verdict and its poweroff once they are gone are not theirs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from . import contract, domaincfg, paths, platforms

TESTS_DIR = paths.ROOT / "guests" / "tests"
BUILD_DIR = paths.BUILD / "guests"
MANIFEST = "manifest"

# Environment -> (domain type in the config, platform that runs it). pvh64 needs
# VT-x: Bochs here (KVM where the host offers nested VT-x: platform_for()).
ENVIRONMENTS = {
    "pv64": ("pv", "qemu"),
    "pvh64": ("pvh", "bochs"),
}
# Physical CPUs of every guest-test boot: the domains of a shared boot spread
# over both, so each test also runs beside others on two CPUs.
BOOT_CPUS = 2
# Index = the SHUTDOWN_* number of xen/include/public/sched.h.
SHUTDOWN_REASONS = ("poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset")
DEFAULTS = {"memory": 8, "vcpus": 1, "cmdline": "", "summary": "",
            "expect_shutdown": "poweroff", "boot": "shared", "crash_reason": "",
            "peers": 1, "privileged": 0, "dom0": 0, "peer_environments": "", "cpus": ""}
BOOT_KINDS = ("shared", "alone")
# At most this many test domains share one boot (each its own domain and config).
SHARED_BOOT_MAX = 16
# Domains one peers test may boot, and the domain id the first of them gets.
PEERS_MAX = 8
PEER_FIRST_DOMID = 1
# Joins the peers' environments in the name of a mixed test's one item: "pv64+pvh64".
MIXED_SEP = "+"
# Domain 0's config (tools/dom0/SConscript, built with the guests) and its domain name.
DOM0_CONFIG = paths.BUILD / "dom0" / "dom0.cfg"
DOM0_NAME = "dom0"
KEYS = set(DEFAULTS) | {"environments"}
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# The command line becomes a C string literal and a config string: no quotes,
# backslashes or control characters.
CMDLINE_CHARS = re.compile(r"^[ -!#-\[\]-~]*$")

# Lines of docs/boot-contract.md, "Domains (issue 3)".
DOMAIN_CREATED = re.compile(r"^domain: d(\d+) '([^']*)' created \((pv|pvh|hvm), (\d+) MiB, "
                            r"(\d+) vCPUs?\) from (\S+)")
DOMAIN_REFUSED = re.compile(r"^domain: (\S+): (.*)")
DOMAIN_CONSOLE = re.compile(r"^\(d(\d+)\) (.*)")
DOMAIN_SHUTDOWN = re.compile(r"^domain: d(\d+) '([^']*)' shut down: "
                             r"(poweroff|reboot|suspend|crash|watchdog|soft_reset)")
DOMAIN_CRASHED = re.compile(r"^domain: d(\d+) '([^']*)' crashed: (.*)")
STATUS = contract.STATUS
VERDICT = re.compile(r"^verdict: (PASS|FAIL|SKIP)(?:: (.*))?$")


def platform_for(env: str) -> str:
    """The platform ENV's boots run on: ENVIRONMENTS' choice, except that one that
    needs VT-x (Bochs) runs on KVM where the host can run a VT-x guest there
    (platforms.default_platform), which is far faster. A mixed ENV ("pv64+pvh64")
    runs where its most demanding environment must: VT-x if any peer needs it (the
    platforms that offer VT-x also run PV guests, not the other way round)."""
    wanted = [ENVIRONMENTS[part][1] for part in env.split(MIXED_SEP)]
    if "bochs" in wanted:
        return platforms.default_platform(needs_vtx=True)
    return wanted[0]


class ManifestError(Exception):
    """A manifest that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class GuestTest:
    name: str
    environments: tuple
    memory: int
    vcpus: int
    cmdline: str
    expect_shutdown: str
    summary: str
    boot: str = "shared"
    crash_reason: str = ""
    peers: int = 1
    privileged: int = 0             # 1: the domain (peer 0 of a peers test) is privileged
    dom0: int = 0                   # 1: Domain 0 boots first (d1) and serves its rings
    peer_environments: tuple = ()   # each peer's environment, for a mixed peers test
    cpus: str = ""                  # the configs' CPU list ("0", "0-1"); "": anywhere

    def item_environments(self) -> tuple:
        """The environments the suite makes an item for: each of `environments`, or
        for a mixed test just one, its peers' joined ("pv64+pvh64")."""
        if self.peer_environments:
            return (MIXED_SEP.join(self.peer_environments),)
        return self.environments

    @staticmethod
    def peer_env(env: str, k: int) -> str:
        """Peer K's own environment in ENV (an item's: mixed or not)."""
        parts = env.split(MIXED_SEP)
        return parts[k] if len(parts) > 1 else env

    def built_configs(self, env: str) -> list:
        """(peer, config) for each config SCons writes for single environment ENV:
        all peers' for a test that is not mixed, else only those of peers in ENV."""
        return [(k, config) for k, config in enumerate(self.configs(env))
                if not self.peer_environments or self.peer_environments[k] == env]

    def domain_names(self) -> list:
        """The domain name of each peer (just the test's name without peers)."""
        if self.peers == 1:
            return [self.name]
        return ["%s-p%d" % (self.name, k) for k in range(self.peers)]

    def peer_domid(self, k: int) -> int:
        """Peer K's domain id: the boot's configs are numbered from 1, Domain 0 first."""
        return PEER_FIRST_DOMID + self.dom0 + k

    def configs(self, env: str) -> list:
        """The domain config of each peer, in boot order (ENV mixed or not)."""
        if self.peers == 1:
            return [self.config(env)]
        return [BUILD_DIR / self.name / ("%s-%s-p%d.cfg" % (self.name, self.peer_env(env, k), k))
                for k in range(self.peers)]

    def boot_configs(self, env: str) -> list:
        """Every config of the test's boot, in order: Domain 0's first when it has one."""
        return ([DOM0_CONFIG] if self.dom0 else []) + self.configs(env)

    def peer_cmdline(self, k: int) -> str:
        if self.peers == 1:
            return self.cmdline
        own = "peer=%d peers=%d peer_domids=%s" % (
            k, self.peers, ",".join(str(self.peer_domid(i)) for i in range(self.peers)))
        return (self.cmdline + " " + own).strip()

    def elf(self, env: str, peer: int = 0) -> Path:
        """The image of peer PEER in ENV (mixed or not)."""
        return BUILD_DIR / self.name / ("%s-%s.elf" % (self.name, self.peer_env(env, peer)))

    def config(self, env: str) -> Path:
        return BUILD_DIR / self.name / ("%s-%s.cfg" % (self.name, env))

    def config_text(self, env: str, peer: int = 0) -> str:
        """The domain config SCons writes next to the ELF (kernel path relative to it),
        for peer PEER of a peers test."""
        cmdline = self.peer_cmdline(peer)
        lines = ["# Generated by guests/SConscript from guests/tests/%s/manifest." % self.name,
                 'name = "%s"' % self.domain_names()[peer],
                 'type = "%s"' % ENVIRONMENTS[env][0],
                 "memory = %d" % self.memory,
                 "vcpus = %d" % self.vcpus,
                 'kernel = "%s"' % self.elf(env).name]
        if cmdline:
            lines.append('cmdline = "%s"' % cmdline)
        if self.privileged and peer == 0:
            lines.append("privileged = 1")
        if self.cpus:
            lines.append('cpus = "%s"' % self.cpus)
        return "\n".join(lines) + "\n"

    def manifest_c(self, env: str) -> str:
        """The C the guest runtime reads its own test's manifest from (lib/xtest.h)."""
        return "\n".join([
            "/* Generated by guests/SConscript from guests/tests/%s/manifest. */" % self.name,
            '#include "xtest.h"',
            "const struct xtest_manifest xtest_manifest = {",
            '    .name = "%s",' % self.name,
            '    .environment = "%s",' % env,
            "    .memory_mib = %d," % self.memory,
            "    .vcpus = %d," % self.vcpus,
            '    .cmdline = "%s",' % self.cmdline,
            "    .shutdown_reason = %d,   /* %s */" % (
                SHUTDOWN_REASONS.index(self.expect_shutdown), self.expect_shutdown),
            "};",
            ""])


def _value(text: str, where: str):
    text = text.strip()
    if text.startswith('"'):
        if len(text) < 2 or not text.endswith('"') or '"' in text[1:-1]:
            raise ManifestError("%s: unterminated or malformed string %s" % (where, text))
        return text[1:-1]
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise ManifestError("%s: %r is neither a \"string\" nor a number" % (where, text))


def _strip_comment(line: str) -> str:
    """LINE up to a '#' that is not inside a string."""
    inside = False
    for i, c in enumerate(line):
        if c == '"':
            inside = not inside
        elif c == "#" and not inside:
            return line[:i]
    return line


def parse_manifest(path: Path) -> GuestTest:
    name = path.parent.name
    if not NAME.match(name) or name == "lib":
        raise ManifestError("%s: test directory names are lower-case letters, digits and "
                            "_ (and not 'lib')" % path)
    values = dict(DEFAULTS)
    seen = set()
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        where = "%s:%d" % (path, number)
        line = _strip_comment(raw).strip()
        if not line:
            continue
        key, eq, rest = line.partition("=")
        key = key.strip()
        if not eq:
            raise ManifestError("%s: expected key = value" % where)
        if key not in KEYS:
            raise ManifestError("%s: unknown key '%s' (known: %s)"
                                % (where, key, ", ".join(sorted(KEYS))))
        if key in seen:
            raise ManifestError("%s: '%s' given twice" % (where, key))
        seen.add(key)
        value = _value(rest, where)
        want = str if isinstance(DEFAULTS.get(key, ""), str) else int
        if not isinstance(value, want):
            raise ManifestError("%s: '%s' takes a %s" % (where, key,
                                "quoted string" if want is str else "number"))
        values[key] = value
    if "environments" not in values:
        raise ManifestError("%s: no 'environments' (e.g. environments = \"pv64\")" % path)
    envs = tuple(values["environments"].split())
    for env in envs:
        if env not in ENVIRONMENTS:
            raise ManifestError("%s: unknown environment '%s' (known: %s)"
                                % (path, env, ", ".join(ENVIRONMENTS)))
    if not envs:
        raise ManifestError("%s: 'environments' is empty" % path)
    if values["expect_shutdown"] not in SHUTDOWN_REASONS:
        raise ManifestError("%s: expect_shutdown must be one of %s"
                            % (path, ", ".join(SHUTDOWN_REASONS)))
    if not CMDLINE_CHARS.match(values["cmdline"]) or len(values["cmdline"]) > 1023:
        raise ManifestError("%s: cmdline must be printable ASCII without \" or \\, "
                            "under 1024 characters" % path)
    if values["memory"] < 1 or values["vcpus"] < 1:
        raise ManifestError("%s: memory and vcpus must be 1 or more" % path)
    if values["crash_reason"] and values["expect_shutdown"] != "crash":
        raise ManifestError("%s: crash_reason needs expect_shutdown = \"crash\"" % path)
    if values["boot"] not in BOOT_KINDS:
        raise ManifestError("%s: boot must be one of %s" % (path, ", ".join(BOOT_KINDS)))
    if not 1 <= values["peers"] <= PEERS_MAX:
        raise ManifestError("%s: peers must be 1 to %d" % (path, PEERS_MAX))
    if values["peers"] > 1 and values["boot"] != "alone" and "boot" in seen:
        raise ManifestError("%s: a test with peers has a boot of its own (boot = \"alone\")"
                            % path)
    if values["privileged"] not in (0, 1):
        raise ManifestError("%s: privileged must be 0 or 1" % path)
    if values["privileged"] and values["peers"] == 1 and values["boot"] != "alone":
        raise ManifestError("%s: a privileged test has a boot of its own (boot = \"alone\")"
                            % path)
    if values["dom0"] not in (0, 1):
        raise ManifestError("%s: dom0 must be 0 or 1" % path)
    if values["dom0"] and values["boot"] != "alone" and "boot" in seen:
        raise ManifestError("%s: a test with dom0 has a boot of its own (boot = \"alone\")"
                            % path)
    if values["dom0"] and values["privileged"]:
        # The control domain is the first privileged one: Domain 0, not the test's.
        raise ManifestError("%s: dom0 and privileged cannot go together (Domain 0 is the "
                            "control domain)" % path)
    if values["dom0"] and name == DOM0_NAME:
        raise ManifestError("%s: a test named %s cannot have dom0 (the judge tells the "
                            "domains apart by name)" % (path, DOM0_NAME))
    peer_envs = tuple(values["peer_environments"].split())
    if "peer_environments" in seen:
        if values["peers"] < 2 or len(peer_envs) != values["peers"]:
            raise ManifestError("%s: peer_environments names one environment per peer "
                                "(peers = %d)" % (path, values["peers"]))
        unbuilt = [env for env in peer_envs if env not in envs]
        if unbuilt:
            raise ManifestError("%s: peer_environments' %s must also be in 'environments' "
                                "(which images are built)" % (path, ", ".join(unbuilt)))
    if "cpus" in seen:
        # A CPU the boots lack would be dropped from the mask without a word (the
        # hypervisor refuses only a mask with no online CPU): the test would not
        # run where it says.
        mask = domaincfg.cpu_mask(values["cpus"].encode())
        if mask is None or mask >> BOOT_CPUS:
            raise ManifestError("%s: cpus must list CPUs 0-%d (the guest tests' boots have "
                                "%d) as \"N\", \"N-M\" or several joined by ','"
                                % (path, BOOT_CPUS - 1, BOOT_CPUS))
    if values["peers"] > 1 or values["dom0"]:
        values["boot"] = "alone"        # its domain ids depend on it
    return GuestTest(name=name, environments=envs, memory=values["memory"],
                     vcpus=values["vcpus"], cmdline=values["cmdline"],
                     expect_shutdown=values["expect_shutdown"], summary=values["summary"],
                     boot=values["boot"], crash_reason=values["crash_reason"],
                     peers=values["peers"], privileged=values["privileged"],
                     dom0=values["dom0"], peer_environments=peer_envs, cpus=values["cpus"])


def discover(tests_dir: Path = TESTS_DIR) -> list:
    """Every guests/tests/NAME that has a manifest, by name."""
    if not tests_dir.is_dir():
        return []
    return [parse_manifest(d / MANIFEST) for d in sorted(tests_dir.iterdir())
            if (d / MANIFEST).is_file()]


def plan_boots(pairs) -> list:
    """How to boot PAIRS, (GuestTest, env) each: a list of boots, each a tuple of pairs
    that run as domains of one hypervisor run. Tests of one environment share boots
    (in name order, split evenly into boots of at most SHARED_BOOT_MAX); a manifest's
    `boot = "alone"` gives a test a boot of its own. The same pairs always give the
    same plan, so separate pytest workers agree on it. A peers test always boots
    alone: its domain ids depend on it."""
    boots, shared = [], {}
    for test, env in pairs:
        if test.boot == "alone" or test.peers > 1 or test.dom0:
            boots.append(((test, env),))
        else:
            shared.setdefault(env, []).append((test, env))
    for env in sorted(shared):
        members = sorted(shared[env], key=lambda pair: pair[0].name)
        count = -(-len(members) // SHARED_BOOT_MAX)
        for i in range(count):
            boots.append(tuple(members[i * len(members) // count:
                                       (i + 1) * len(members) // count]))
    return boots


@dataclass
class Judgement:
    outcome: str            # "pass", "fail" or "skip"
    message: str
    domain: Optional[int] = None


def judge(lines: list, test: GuestTest, env: str, verdict: Optional[str],
          timed_out: bool = False, shared: bool = False) -> Judgement:
    """What a boot says about TEST in ENV (judge_domain for each of its domains): with
    peers, it passes only when every peer passes and each was the domain its command
    line said it would be; the message names every peer that did not. With dom0 the
    same holds for its domains, which follow Domain 0 (whose own lines are not judged)."""
    if test.peers == 1 and not test.dom0:
        return judge_domain(lines, test, env, verdict, timed_out, shared)
    results = []
    for k in range(test.peers):
        j = judge_domain(lines, test, env, verdict, timed_out, shared, peer=k)
        if j.outcome != "fail" and j.domain != test.peer_domid(k):
            j = Judgement("fail", "peer %d '%s' is d%d, but its command line says d%d%s"
                          % (k, test.domain_names()[k], j.domain, test.peer_domid(k),
                             " (Domain 0 is d1)" if test.dom0 else ""), j.domain)
        results.append(j)
    for outcome in ("fail", "skip"):
        bad = [j.message for j in results if j.outcome == outcome]
        if bad:
            return Judgement(outcome, "; ".join(bad), results[0].domain)
    return Judgement("pass", "; ".join(j.message for j in results), results[0].domain)


def judge_domain(lines: list, test: GuestTest, env: str, verdict: Optional[str],
                 timed_out: bool = False, shared: bool = False, peer: int = 0) -> Judgement:
    """What a boot of TEST's config in ENV says about the test, from the cleaned serial
    console LINES and the hypervisor's VERDICT (XENO-STATUS). Passes only when the
    domain was created, its last console line is `verdict: PASS`, it shut down with the
    manifest's reason (for "crash": the hypervisor crashed it) and the hypervisor ended
    with XENO-STATUS: pass. In a SHARED boot (other test domains beside it) other
    domains' lines are not its business, and a boot that timed out because another
    domain never shut down still passes it, unless the hypervisor panicked. (Shut-down
    domains may not be destroyed while another keeps the CPU busy.)"""
    config = test.configs(env)[peer].name
    name = test.domain_names()[peer]
    created = [m for m in map(DOMAIN_CREATED.match, lines) if m and m.group(2) == name]
    if not created:
        refused = [m.group(2) for m in map(DOMAIN_REFUSED.match, lines)
                   if m and m.group(1) in (config, test.elf(env, peer).name)]
        if refused:
            return Judgement("fail", "the hypervisor refused %s: %s" % (config, refused[0]))
        how = "timed out" if timed_out else ("XENO-STATUS: %s" % verdict if verdict
                                             else "no XENO-STATUS")
        return Judgement("fail", "no \"domain: dN '%s' created\" line: the hypervisor did not "
                         "build the domain from %s (%s)" % (name, config, how))
    dom = int(created[0].group(1))
    # A mixed test is only what it says if each peer ran in its own environment.
    kind = ENVIRONMENTS[test.peer_env(env, peer)][0]
    if created[0].group(3) != kind:
        return Judgement("fail", "d%d '%s' was created as %s, but its environment %s is %s"
                         % (dom, name, created[0].group(3), test.peer_env(env, peer), kind), dom)
    said = [m.group(2) for m in map(DOMAIN_CONSOLE.match, lines)
            if m and int(m.group(1)) == dom]
    said = [s.rstrip() for s in said if s.strip()]
    shutdown = [m.group(3) for m in map(DOMAIN_SHUTDOWN.match, lines)
                if m and int(m.group(1)) == dom]
    crashed = [m.group(3) for m in map(DOMAIN_CRASHED.match, lines)
               if m and int(m.group(1)) == dom]
    last = said[-1] if said else None
    v = VERDICT.match(last) if last else None
    if not v:
        earlier = [s for s in said if VERDICT.match(s)]
        if earlier:
            problem = ("its verdict (%r) is not its last console line; the last is %r"
                       % (earlier[-1], last))
        elif last is None:
            problem = "it printed nothing"
        else:
            problem = "it printed no verdict; its last console line is %r" % last
        if crashed:
            problem += "; the hypervisor crashed it: %s" % crashed[0]
        elif timed_out:
            problem += "; the run timed out"
        return Judgement("fail", "d%d '%s': %s" % (dom, name, problem), dom)
    kind, reason = v.group(1), v.group(2) or ""
    if kind == "FAIL":
        return Judgement("fail", "d%d '%s' verdict: FAIL: %s" % (dom, name, reason), dom)
    want = test.expect_shutdown if kind == "PASS" else "poweroff"
    if not shutdown:
        return Judgement("fail", "d%d '%s' printed 'verdict: %s' but no \"shut down: %s\" "
                         "line followed" % (dom, name, kind, want), dom)
    if shutdown[0] != want:
        return Judgement("fail", "d%d '%s' printed 'verdict: %s' but shut down with %s, "
                         "expected %s" % (dom, name, kind, shutdown[0], want), dom)
    if want == "crash" and not crashed:
        return Judgement("fail", "d%d '%s' printed 'verdict: PASS' and shut down with crash, "
                         "but the hypervisor did not crash it (no \"crashed:\" line)"
                         % (dom, name), dom)
    if want == "crash" and test.crash_reason not in crashed[0]:
        return Judgement("fail", "d%d '%s' was crashed for another reason: %s (expected "
                         "one with \"%s\")" % (dom, name, crashed[0], test.crash_reason),
                         dom)
    note = ""
    problem = _run_problem(lines, verdict)
    if problem:
        hung = _still_running(lines) if shared and timed_out else []
        if not hung or any(contract.PANIC.match(line) for line in lines):
            return Judgement("fail", problem, dom)
        note = " (its boot timed out: %s did not end)" % ", ".join(hung)
    if kind == "SKIP":
        return Judgement("skip", "d%d '%s' skipped: %s%s" % (dom, name, reason, note), dom)
    how = "crashed by the hypervisor: %s" % crashed[0] if want == "crash" else "shut down: %s" % want
    return Judgement("pass", "d%d '%s' verdict: PASS, %s%s" % (dom, name, how, note), dom)


def _still_running(lines: list) -> list:
    """The domains ("dN 'name'") created but never shut down."""
    ended = {int(m.group(1)) for m in map(DOMAIN_SHUTDOWN.match, lines) if m}
    return ["d%s '%s'" % (m.group(1), m.group(2)) for m in map(DOMAIN_CREATED.match, lines)
            if m and int(m.group(1)) not in ended]


def _run_problem(lines: list, verdict: Optional[str]) -> Optional[str]:
    """Why the hypervisor's run as a whole did not end well, or None."""
    if verdict != "pass":
        return ("the guest passed but the hypervisor ended with %s"
                % ("XENO-STATUS: %s" % verdict if verdict else "no XENO-STATUS"))
    printed = [line for line in lines if line.strip()]
    if not STATUS.match(printed[-1]):
        return "XENO-STATUS is not the last line; the last is %r" % printed[-1]
    return None
