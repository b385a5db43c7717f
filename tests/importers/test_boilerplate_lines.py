"""Lines that point to another story ("Related: <title>", "Lire aussi : ...") are furniture, in several languages."""

from __future__ import annotations

import pytest

from bundler.cleaning.boilerplate import is_boilerplate


@pytest.mark.parametrize(
    "line",
    [
        "Related: Students in the valley return to class after the flood",
        "RELATED READING: How the sluice gates work",
        "Lire aussi : Le port rouvre ses quais",
        "Lesen Sie auch: Der Hafen öffnet wieder",
        "Leia também: O porto reabre",
        "Читайте также: порт снова открыт",
    ],
)
def test_a_pointer_to_another_story_is_furniture(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Related work is discussed below: we compare three methods.",
        "The related question: who pays for the repairs?",
    ],
)
def test_prose_that_starts_alike_is_not(line):
    assert not is_boilerplate(line)
