"""Shared pytest fixtures: the headless Chromium browser and a live review server."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
pytest_plugins = ["browser"]
