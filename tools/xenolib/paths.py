"""Where things are in the repository, computed from this file's location."""
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent
ROOT = TOOLS.parent
BUILD = ROOT / "build"
RUNS = BUILD / "run"           # one fresh directory per boot, see runner.py
XENO = TOOLS / "xeno"
BOCHSRC_TEMPLATE = TOOLS / "bochsrc.template"
VARIANTS = ("debug", "release")


def elf(variant: str) -> Path:
    """The linked hypervisor of one build variant."""
    return BUILD / variant / "xeno.elf"
