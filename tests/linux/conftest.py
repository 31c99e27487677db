"""The Linux suite boots Debian's stock kernel as a PV domain (tools/xenolib/linux_guest.py)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
