"""One OCR reader for the whole session: the model is loaded once (about a second), not per test."""

from __future__ import annotations

import pytest

from bench.id_cards import FONT


@pytest.fixture(scope="session")
def card_reader():
    pytest.importorskip("rapidocr_onnxruntime")
    if not FONT.exists():
        pytest.skip(f"{FONT} is missing (fonts-noto-cjk; .ci/run installs it)")
    from bot import ocr

    r = ocr.reader()
    assert r is not None
    return r
