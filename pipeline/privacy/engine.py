"""Presidio's analyzer over the bundled spaCy model, built once per set of entity types.

Presidio's defaults would download `en_core_web_lg` (SpacyNlpEngine.load) and the public-suffix
list (tldextract): here the engine gets the spaCy pipeline jtbd has already loaded, and the
e-mail check reads tldextract's bundled snapshot, so nothing is fetched at run time.
"""
from __future__ import annotations

from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

from ..errors import ConfigError
from ..nlp import load_nlp, model_name

# entity type -> the word inside its placeholder: [PERSON_1], [EMAIL_2]
PLACEHOLDER_LABELS = {
    "PERSON": "PERSON", "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CARD",
    "IBAN_CODE": "IBAN", "URL": "URL", "IP_ADDRESS": "IP", "STREET_ADDRESS": "ADDRESS",
    "DATE_OF_BIRTH": "DOB", "EMPLOYER": "EMPLOYER", "ACCOUNT_NUMBER": "ACCOUNT", "US_SSN": "SSN",
    "UK_NHS": "NHS", "LOCATION": "PLACE", "ORGANIZATION": "ORG", "DATE_TIME": "DATE",
}
# spaCy label -> Presidio entity; ORG and DATE are opt-in (most organisations in an interview are products)
NER_ENTITIES = {"PERSON": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION", "ORG": "ORGANIZATION", "DATE": "DATE_TIME"}
UNUSED_LABELS = ["CARDINAL", "ORDINAL", "TIME", "MONEY", "PERCENT", "QUANTITY", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"]
SPACY_BACKED = {"PERSON", "LOCATION", "ORGANIZATION", "DATE_TIME"}


def check_entities(entities: list[str]) -> None:
    unknown = sorted(set(entities) - set(PLACEHOLDER_LABELS))
    if unknown:
        raise ConfigError(f"redact.entities: unknown entity type {', '.join(unknown)}; choose from {', '.join(PLACEHOLDER_LABELS)}")


def detector_name() -> str:
    """What found the spans, with versions: part of the redaction's cache key."""
    def ver(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "?"
    return f"presidio-analyzer {ver('presidio-analyzer')} + {model_name()} {load_nlp().meta.get('version', '?')}"


@lru_cache(maxsize=4)
def analyzer(entities: tuple[str, ...], phone_regions: tuple[str, ...]):
    """An AnalyzerEngine that finds `entities` (Presidio names) in English text."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        IbanRecognizer,
        IpRecognizer,
        NhsRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
        UrlRecognizer,
        UsSsnRecognizer,
    )

    from . import recognizers as ours

    check_entities(list(entities))
    ner = NerModelConfiguration(model_to_presidio_entity_mapping=NER_ENTITIES, labels_to_ignore=UNUSED_LABELS)
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model_name()}], ner_model_configuration=ner)
    nlp_engine.nlp = {"en": load_nlp()}  # instead of .load(), which would download a model it does not find
    available = {
        "EMAIL_ADDRESS": [ours.OfflineEmailRecognizer()],
        "PHONE_NUMBER": [PhoneRecognizer(supported_regions=phone_regions), ours.InternationalPhoneRecognizer()],
        "CREDIT_CARD": [CreditCardRecognizer()],
        "IBAN_CODE": [IbanRecognizer()],
        "URL": [UrlRecognizer()],
        "IP_ADDRESS": [IpRecognizer()],
        "US_SSN": [UsSsnRecognizer()],
        "UK_NHS": [NhsRecognizer()],
        "STREET_ADDRESS": [ours.street_address()],
        "DATE_OF_BIRTH": [ours.date_of_birth()],
        "ACCOUNT_NUMBER": [ours.account_number()],
        "EMPLOYER": [ours.employer_in_context()],
        "PERSON": [ours.person_in_context()],
    }
    registry = RecognizerRegistry(supported_languages=["en"])
    for entity in entities:
        for recognizer in available.get(entity, []):
            registry.add_recognizer(recognizer)
    spacy_entities = sorted(SPACY_BACKED & set(entities))
    if spacy_entities:
        registry.add_recognizer(SpacyRecognizer(supported_entities=spacy_entities))
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
