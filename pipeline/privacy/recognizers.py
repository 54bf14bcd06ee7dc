"""Presidio recognizers we add to its own: the ones an interview needs and Presidio lacks (street
addresses, dates of birth, account numbers, employers, names after a title or a relation), and an
e-mail recognizer that never goes online.

Each pattern reads the cue that makes its match personal data ("born on", "my daughter", "I work
at") through a look-behind, so the placeholder replaces the value and the cue stays readable.
Cue words are case-insensitive; the value of a name or employer must be capitalised, which is how
"my boss said" is told from "my boss Raj said".
"""
from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import EmailRecognizer

NAME = r"[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)*"  # Sarah, O'Connor, Smith-Jones
PARTICLE = r"(?:de|van|von|der|den|da|di|du|le|la|del|della|dos|bin|al|el|ten|ter)"
FULL_NAME = rf"{NAME}(?:(?: {PARTICLE}){{0,2}} {NAME})?"  # Sarah, Sarah Whitfield, Femke de Vries
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
DATE = (rf"(?:\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{MONTH},? \d{{4}}|{MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}"
        r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2}))")
STREET_TYPES = ("Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Boulevard|Blvd|Way|Close|Court|Ct|Place|Pl|Crescent|"
                "Terrace|Grove|Gardens|Square|Sq|Hill|Row|Parkway|Pkwy|Mews|Walk|Rise|Parade|Highway|Hwy")
RELATIONS = ("son|sons|daughter|daughters|kid|kids|child|children|twins|grandkids|parents|wife|husband|partner|fianc[ée]e?|girlfriend|boyfriend|mum|mom|mother|dad|father|"
             "sister|brother|brother-in-law|sister-in-law|boss|manager|colleague|co-?worker|friend|neighbou?r|"
             "accountant|assistant|cousin|aunt|uncle|niece|nephew|grandson|granddaughter|nan|gran|grandma|grandpa|"
             "doctor|dentist|lawyer|landlord|landlady|flatmate|roommate|client|customer|contact|teammate|director|rep")
TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Frau|Herr|Mme|Mlle|Monsieur|Madame|Señora?)"
COMPANY_WORD = r"(?:[A-Z][\w'’.-]*|&)"
COMPANY = rf"[A-Z][\w'’.-]*(?: {COMPANY_WORD})*"
CONTEXT_SCORE = 0.9  # above spaCy's 0.85, so when both find a name Presidio keeps ours and its reason
CASE_SENSITIVE = re.MULTILINE | re.DOTALL  # Presidio's default adds IGNORECASE, which would take "my boss said"


def street_address() -> PatternRecognizer:
    patterns = [
        Pattern("house number and street", rf"\b(?:(?i:flat|apartment|apt|unit|suite) \d+[A-Z]?,? )?\d{{1,5}}[A-Za-z]?,? "
                                           rf"(?:[A-Z][a-z]+\.? ){{1,3}}(?:{STREET_TYPES})\b", 0.7),
        Pattern("German street and number", r"\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|weg|platz|allee|gasse|ring|damm) \d{1,4}[a-z]?\b", 0.7),
        Pattern("UK postcode", r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b", 0.6),
        Pattern("US state and ZIP", r"(?<=, )[A-Z]{2} \d{5}(?:-\d{4})?\b", 0.6),
    ]
    return PatternRecognizer("STREET_ADDRESS", name="StreetAddressRecognizer", patterns=patterns, global_regex_flags=CASE_SENSITIVE)


def date_of_birth() -> PatternRecognizer:
    cue = r"(?i:\bborn (?:on |in )?|\bbirthday(?: is)?(?: on)? |\bdate of birth(?: is)?,? :?|\bd\.?o\.?b\.?:? )"
    patterns = [Pattern("date after a birth cue", rf"(?<={cue}){DATE}", 0.8),
                Pattern("year after 'born in'", r"(?<=(?i:\bborn in ))(?:19|20)\d\d\b", 0.6)]
    return PatternRecognizer("DATE_OF_BIRTH", name="DateOfBirthRecognizer", patterns=patterns, global_regex_flags=CASE_SENSITIVE)


def account_number() -> PatternRecognizer:
    cue = (r"(?i:\b(?:account|acct|policy|membership|member|customer|sort code|routing|reference|claim|passport|licence|license)"
           r"(?: (?:number|no\.?|num|#|id|code))?(?: is)?,? :?)")
    value = r"(?:[A-Z]{1,3}[- ]?)?\d(?:[\d -]{3,22})\d\b"
    return PatternRecognizer("ACCOUNT_NUMBER", name="AccountNumberRecognizer",
                             patterns=[Pattern("number after an account cue", rf"(?<={cue}){value}", 0.7)], global_regex_flags=CASE_SENSITIVE)


def person_in_context() -> PatternRecognizer:
    """Names the small spaCy model misses but the sentence gives away."""
    relation = rf"(?i:\b(?:my|our|his|her|their|your) (?:[a-z]+ ){{0,2}}(?:{RELATIONS}),? )"
    patterns = [
        Pattern("name after a title", rf"(?<=\b{TITLES}\.? ){FULL_NAME}", CONTEXT_SCORE),
        Pattern("name after a relation", rf"(?<={relation}){FULL_NAME}", CONTEXT_SCORE),
        Pattern("second name after a relation", rf"(?<={relation}{FULL_NAME},? (?:and|&) ){FULL_NAME}", CONTEXT_SCORE),
        Pattern("name after 'a guy called'", rf"(?<=(?i:\b(?:guy|man|woman|lady|girl|boy|bloke|chap|person|someone|rep|friend) (?:called|named) )){FULL_NAME}", CONTEXT_SCORE),
        Pattern("name after 'my name is'", rf"(?<=(?i:\b(?:my name is|my name's|i'm|i am|this is|call me|it's) )){FULL_NAME}(?=[,.;]| (?i:by the way|and|from|here|speaking))", CONTEXT_SCORE),
        Pattern("name after a greeting", rf"(?<=(?i:\b(?:thanks|thank you|hi|hello|hey|cheers|bye|dear|sorry|okay|ok|well|so|yes|no),? )){FULL_NAME}(?=[,.!?])", CONTEXT_SCORE),
        Pattern("name before a possessive 's", rf"\b{NAME}(?=['’]s (?:birthday|wife|husband|son|daughter|mum|mom|dad|office|desk|team|email|number|phone|house|flat))", CONTEXT_SCORE),
    ]
    return PatternRecognizer("PERSON", name="PersonInContextRecognizer", patterns=patterns, global_regex_flags=CASE_SENSITIVE)


def employer_in_context() -> PatternRecognizer:
    """An organisation named as someone's workplace; other organisation names (products, shops) stay."""
    cue = (r"(?<=(?i:\b(?:work|works|worked|working)(?: from home| there| full-time| part-time)? (?:at|for)|"
           r"\b(?:job|jobs|position|role|internship|shift|desk|contract|placement) (?:at|for|with)|"
           r"\b(?:i'm|i am|i was|she's|he's|she is|he is) an? (?:[a-z-]+ )?(?![a-z-]+(?:ing|ed)\b)[a-z-]+,?(?: mostly| mainly| currently| now)? (?:at|for)|"
           r"\bemployed (?:by|at)|\b(?:my|our|his|her) employer,?(?: is)?|\b(?:team|office|colleagues|department|"
           r"people|ops|operations|delivery|sales|marketing|engineering|design) at|\b(?:CEO|CTO|CFO|COO|founder|director|manager|"
           r"head of [a-z]+|engineer|rep|analyst|partner|consultant|CPA|nurse|teacher|developer|designer) (?:at|of)|"
           r"\b(?:agency|company|firm|studio|startup|business|practice|charity|consultancy) (?:called|named)) )")
    patterns = [Pattern("organisation after a workplace cue", rf"{cue}{COMPANY}", 0.7),
                Pattern("organisation a named person is from", rf"(?<=\b{NAME} {NAME},? from ){COMPANY}", 0.6)]
    return PatternRecognizer("EMPLOYER", name="EmployerInContextRecognizer", patterns=patterns, global_regex_flags=CASE_SENSITIVE)


class InternationalPhoneRecognizer(PatternRecognizer):
    """A number written with its country code, in any grouping: '+44 7700 900877'. Presidio's phone
    recognizer asks libphonenumber whether the number is assigned; this one only needs the shape."""

    def __init__(self) -> None:
        pattern = Pattern("+country code and groups", r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){2,6}(?![\w-])", 0.5)
        super().__init__("PHONE_NUMBER", name="InternationalPhoneRecognizer", patterns=[pattern], global_regex_flags=CASE_SENSITIVE)

    def validate_result(self, pattern_text: str) -> bool:
        return 8 <= sum(c.isdigit() for c in pattern_text) <= 15


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer checks the domain with tldextract, whose default fetches the
    public-suffix list from the internet on first use. This one reads the snapshot tldextract ships."""

    def validate_result(self, pattern_text: str) -> bool:
        return _offline_tld()(pattern_text).fqdn != ""


_TLD = None


def _offline_tld():
    global _TLD
    if _TLD is None:
        import tldextract

        _TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # bundled snapshot, no fetch, no disk cache
    return _TLD
