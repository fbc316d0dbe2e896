"""Build the project's spaCy pipeline: blank English plus the lookup lemmatizer.

No English model can be downloaded on our machines, and none on PyPI fits spaCy 3.4, so the build
makes its own: tokenizer rules and lemma tables ship in `spacy` and `spacy-lookups-data`.
Run as `python -m tools.spacy_pipeline [DIR]`; it writes nothing when DIR is already up to date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy
from spacy.language import Language

from bot.settings import KNOWN_WORDS_FILE, SPACY_MODEL

DEFAULT_DIR = SPACY_MODEL
# Bump when the recipe below changes, so existing builds are replaced.
RECIPE_VERSION = "3"
# Words at least this common (log probability, spacy-lookups-data) count as real words, which the
# safety net never "corrects" into a key word: "night" must not become "might".
KNOWN_WORD_MIN_LOG_PROB = -15.0


def build_pipeline() -> Language:
    """A blank English pipeline whose only component is the lookup lemmatizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "safeguarding_en"
    nlp.meta["version"] = f"0.0.{RECIPE_VERSION}"
    return nlp


def known_words() -> list[str]:
    """Common lower-case English words, from spacy-lookups-data's word frequencies."""
    import spacy_lookups_data
    import srsly

    table = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    probs = srsly.read_gzip_json(table)
    return sorted(
        word
        for word, prob in probs.items()
        if prob > KNOWN_WORD_MIN_LOG_PROB and word.isalpha() and word.islower()
    )


def ensure_pipeline(target: Path = DEFAULT_DIR) -> Path:
    """Build the pipeline into `target` unless a build of this recipe is already there."""
    stamp = target / "RECIPE"
    if stamp.exists() and stamp.read_text().strip() == RECIPE_VERSION:
        return target
    target.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(target)
    (target / KNOWN_WORDS_FILE).write_text("\n".join(known_words()) + "\n", encoding="utf-8")
    stamp.write_text(RECIPE_VERSION + "\n")
    return target


if __name__ == "__main__":
    out = ensure_pipeline(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR)
    print(f"spaCy pipeline ready in {out}")
