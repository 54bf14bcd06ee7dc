"""pipeline.grounding: quotes from elsewhere (LLM, gold, edits) located in the real transcript."""
from __future__ import annotations

from pipeline.grounding import locate, overlap, quote_at
from schemas import Quote, Word
from tests.llm_server import make_transcript

TRANSCRIPT = make_transcript([
    ("Interviewer", "When did you first think the sheet was not good enough?"),
    ("Dana", "About a year ago.  We'd just grown from four people to eight, and the sheet went from ten rows to forty."),
    ("Interviewer", "What happened next? Were you fed up with the sheet?"),
    ("Dana", "I was fed up with chasing people every Friday. It took me about four hours every Friday."),
    ("Dana", "Honestly, I was fed up with chasing people every Friday too."),
])


def _is_verbatim(quote: Quote) -> bool:
    return TRANSCRIPT.turns[quote.turn].text[quote.start_char:quote.end_char] == quote.text


def test_exact_quote_gives_its_span() -> None:
    quote = locate(TRANSCRIPT, "It took me about four hours every Friday.")
    assert quote is not None and quote.turn == 3 and _is_verbatim(quote)
    assert quote.text == "It took me about four hours every Friday."


def test_whitespace_case_and_curly_quotes_are_normalised_to_the_real_text() -> None:
    quote = locate(TRANSCRIPT, "  about a year ago. we\u2019d just   grown from four people ")
    assert quote is not None and quote.turn == 1 and _is_verbatim(quote)
    assert quote.text == "About a year ago.  We'd just grown from four people"


def test_fuzzy_quote_is_repaired_to_the_transcript_words() -> None:
    quote = locate(TRANSCRIPT, "the sheet went from ten rows to fourty rows")  # misspelt, one word added
    assert quote is not None and quote.turn == 1 and _is_verbatim(quote)
    assert "ten rows to forty" in quote.text and "fourty" not in quote.text


def test_invented_quote_is_not_found() -> None:
    assert locate(TRANSCRIPT, "The new tool saved our team and I love the dashboards") is None
    assert locate(TRANSCRIPT, "ok") is None  # too short to be evidence of anything


def test_interviewer_words_are_not_participant_evidence() -> None:
    assert locate(TRANSCRIPT, "Were you fed up with the sheet?") is None
    found = locate(TRANSCRIPT, "Were you fed up with the sheet?", roles=("interviewer",))
    assert found is not None and found.turn == 2


def test_turn_hint_picks_the_cited_duplicate() -> None:
    text = "I was fed up with chasing people every Friday"
    assert locate(TRANSCRIPT, text).turn == 3
    assert locate(TRANSCRIPT, text, turn_hint=4).turn == 4


def test_overlap_is_share_of_shorter_span() -> None:
    a = Quote(text="x" * 10, turn=3, start_char=0, end_char=10)
    b = Quote(text="x" * 10, turn=3, start_char=5, end_char=25)
    assert overlap(a, b) == 0.5
    assert overlap(a, b.model_copy(update={"turn": 4})) == 0.0
    assert overlap(a, Quote(text="", turn=3, start_char=12, end_char=20)) == 0.0


def test_quote_at_takes_word_times() -> None:
    turn = TRANSCRIPT.turns[3].model_copy(update={"words": [
        Word(text=w, start=float(i), end=i + 0.5) for i, w in enumerate(TRANSCRIPT.turns[3].text.split())
    ]})
    start = turn.text.index("It took")
    quote = quote_at(turn, start, start + len("It took me"))
    assert quote.text == "It took me" and (quote.start, quote.end) == (9.0, 11.5)
