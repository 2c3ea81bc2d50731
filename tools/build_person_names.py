#!/usr/bin/python3
"""Build models/person_names.tsv, the gazetteer of the PII detector's person-name check.

Sources (see models/README.md for licenses):
  * the first and last names of Faker's Latin-script locales (Debian package
    python3-fake-factory, MIT license);
  * the PERSON spans of the even-numbered records of presidio-research's
    synth_dataset_v2.json (MIT license). The odd-numbered records are kept for scoring, so
    the detector is never scored on a name it was built from.
A name that is also a lowercase word in /usr/share/dict/american-english (Debian package
wamerican) is marked ambiguous ("will", "rose"), and the detector then needs more context.

Output: one line per name, `name<TAB>flags`, names lowercased in ASCII only, flags from
F (first name), L (last name), A (ambiguous).
Usage: /usr/bin/python3 tools/build_person_names.py PRESIDIO_JSON OUT_TSV
"""
import importlib
import json
import pkgutil
import sys

import faker.providers.person as person_providers


# Capitalised words that some locale lists as a name but that nearly always mean something else.
NOT_NAMES = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "english", "french", "german", "spanish", "italian", "polish", "russian", "chinese",
    "japanese", "dutch", "swedish", "danish", "irish", "scottish", "welsh",
}


def ascii_lower(word):
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in word)


def latin_script(word):
    return all(c.isascii() or "\u00c0" <= c <= "\u024f" for c in word)


def add(names, word, flag):
    word = word.strip(".,")
    if len(word) < 2 or not word[0].isupper() or not latin_script(word):
        return
    if ascii_lower(word) in NOT_NAMES:
        return
    names.setdefault(ascii_lower(word), set()).add(flag)


def faker_names(names):
    for module in pkgutil.iter_modules(person_providers.__path__):
        provider = importlib.import_module(f"{person_providers.__name__}.{module.name}").Provider
        for attribute, flag in (("first_names", "F"), ("first_names_male", "F"),
                                ("first_names_female", "F"), ("last_names", "L")):
            for name in getattr(provider, attribute, ()):
                for word in str(name).split():
                    add(names, word, flag)


def presidio_names(names, path):
    records = json.load(open(path, encoding="utf-8"))
    for index, record in enumerate(records):
        if index % 2 == 1:
            continue
        for span in record["spans"]:
            if span["entity_type"] != "PERSON":
                continue
            words = span["entity_value"].split()
            for position, word in enumerate(words):
                if len(word.strip(".")) < 2:
                    continue  # a middle initial
                last = position == len(words) - 1 and len(words) > 1
                add(names, word, "L" if last else "F")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    names = {}
    faker_names(names)
    presidio_names(names, sys.argv[1])
    with open("/usr/share/dict/american-english", encoding="utf-8") as words:
        common = {line.strip() for line in words if line[:1].islower()}
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        for name in sorted(names):
            flags = "".join(sorted(names[name])) + ("A" if name in common else "")
            out.write(f"{name}\t{flags}\n")
    print(f"wrote {len(names)} names to {sys.argv[2]}")


if __name__ == "__main__":
    main()
