"""What the words around a capitalised word say about it naming a person: verbs only a person
does, roles in a case, an age, a slot that takes a name ("called", "known as")."""

from __future__ import annotations

import re

from agencies.privacy import allowlist as allow
from agencies.privacy.identifiers.lexicon import FOREIGN_WORD_NAMES, dictionaries, name_lists
from agencies.privacy.identifiers.tokens import Token, TokenClass, inflected

PERSON_VERBS = frozenset(
    re.findall(
        r"[a-z]+",
        """said says told tells asked asks replied reported reports disclosed discloses stated states
    explained explains described describes felt feels wanted wants agreed agrees denied denies admitted
    admits claimed claims recalled recalls remembered remembers texted messaged rang phoned emailed
    picked drove walked ran went came returned withdrew decided refused gave met knew saw heard
    thought believed tried got screamed cried woke spoke lives lived works worked studied moved
    confirmed accepted alleged insisted whispered shouted sent received""",
    )
)


_PAST_VERBS = frozenset(
    re.findall(
        r"[a-z]+",
        """went came took gave got left kept made sent met knew saw heard thought told said ran drove
    rode wrote spoke woke bought brought caught found held felt lost paid put sat slept stood won wore
    threw hid hit let lay led meant began broke chose fell flew forgot froze grew hung shook stole swore
    tore became did does has have says tells knows wants thinks lives works goes gets sees keeps
    remembers believes recalls deleted""",
    )
)
_ADVERBS = frozenset(
    re.findall(
        r"[a-z]+",
        """later then also never initially first still originally previously subsequently allegedly
    reportedly eventually finally only always often just already again immediately apparently
    repeatedly herself himself now once""",
    )
)
# Nouns for a person's part in a case: "Bill was the landlord", "Miles, her stepfather, …".
ROLES = frozenset(
    re.findall(
        r"[a-z-]+",
        """landlord landlady driver owner manager tenant lodger flatmate housemate employer boss coach
    tutor pastor imam priest vicar doctor nurse worker babysitter childminder host man woman boy girl
    lad person bouncer barman barmaid bartender doorman guard cleaner caretaker receptionist passenger
    student pupil classmate schoolfriend mate child baby kid teenager resident dealer groomer
    offender perpetrator attacker accused informant caller sibling twin relative godfather godmother
    guardian parent stepdad stepmum step-dad step-mum fiance fiancee one eldest youngest only
    older younger first second other main oic sio isva idva chisva dsl lado""",
    )
) | allow.RELATION_WORDS - {"named", "called"}
# Nouns after a name's "'s" at a sentence start: "Ivy's statement", "Joy's mum".
_ATTRIBUTES = frozenset(
    re.findall(
        r"[a-z]+",
        """statement account evidence interview mum mother dad father brother sister friend friends
    boyfriend girlfriend partner husband wife family phone house flat home car school room bedroom
    parents aunt uncle cousin nan grandmother grandfather son daughter children child
    messages texts injuries clothes bag laptop profile version memory recollection disclosure report
    allegation case ex""",
    )
)
# Words that are on a given-name list but open sentences as ordinary subjects ("Case reviewed…",
# "Chance played a part", "Justice was done"): never read as a name by the sentence-start rules.
NOT_PERSON_SUBJECTS = frozenset(
    re.findall(
        r"[a-z]+",
        """case cases price chance justice liberty unity mercy patience major royal noble long young
    best green white brown black gray grey wood hill north south east west hall stone rock cash early
    harm win will may june april august march""",
    )
)
# Given names that are also abstract nouns opening sentences as such ("Hope remained…", "Faith
# groups…"): a name only before a verb of speech or report ("Hope said…"), an age or a role.
_ABSTRACT_NAMES = frozenset(
    ["hope", "faith", "grace", "joy", "charity", "trust", "honour", "destiny", "glory"]
)
# Officers' and services' roles naming a person where a relation word would ("Per the OIC, kasia…").
CASE_ROLES = frozenset(["oic", "sio", "isva", "idva", "chisva", "dsl", "lado", "flo", "vlo", "sois"])
DETERMINERS = frozenset(
    re.findall(r"[a-z]+", "his her their my our your the a an this that these those its him them me us")
)
TWO_LETTER_WORDS = frozenset(
    re.findall(
        r"[a-z]+", "am an as at be by do go he hi if in is it me my no of oh ok on or so to up us we ya yo"
    )
)
_AGE_AFTER = re.compile(r" \((?:aged? )?\d{1,2}\)|, (?:aged? )?\d{1,2}\b")
NAME_SLOT_BEFORE = re.compile(
    r"(?:\bcalled|\bnamed|\bknown as|\bonly as|\b(?:him|her|them|himself|herself|themselves) as)"
    r" (?:(?:big|little|lil|young|old|mad|fat|baby) )?$",
    re.IGNORECASE,
)


def person_name_opening(token: Token) -> bool:
    """A capitalised word opening a sentence that could be a given name ("Hope", "Bill", "Florin")."""
    if not (token.sentence_start and token.shape == "cap") or token.cls is TokenClass.ALLOW:
        return False
    if token.key in NOT_PERSON_SUBJECTS:
        return False
    return (
        token.key in name_lists()[0]
        or token.key in allow.AMBIGUOUS_GIVEN_NAMES
        or token.key in FOREIGN_WORD_NAMES
    )


def does_what_a_person_does(text: str, tokens: list[Token], index: int) -> bool:
    """After a possible name: a verb in the past (or a person's present), maybe after an adverb;
    "was/had been", "was the landlord"; an age "(16)" or ", 16,"."""

    def at(i: int) -> Token | None:
        return tokens[i] if i < len(tokens) else None

    def adjacent(left: Token, right: Token | None) -> bool:
        return right is not None and text[left.end : right.start] == " "

    token = tokens[index]
    # "Miles travelled…", "Rows reviewed…": a name that is also a plural noun takes only a verb
    # a person does, never a bare participle.
    plural = token.key.endswith("s") and token.key[:-1] in dictionaries()[1]
    abstract = token.key in _ABSTRACT_NAMES or plural

    def verb(t: Token | None) -> bool:
        return (
            t is not None
            and t.shape == "lower"
            and (
                t.key in PERSON_VERBS
                or t.key in allow.PERSON_VERBS
                or (not abstract and (t.key in _PAST_VERBS or (t.key.endswith("ed") and inflected(t.key))))
            )
        )

    if _AGE_AFTER.match(text, token.end):
        return True
    nxt = at(index + 1)
    if nxt is None:
        return False
    if text[token.end : nxt.start] == ", ":
        # "Miles, her stepfather, …": an apposition naming the person's part.
        det, role = nxt, at(index + 2)
        return (
            det is not None
            and det.key in ("her", "his", "their", "the", "a", "an", "my", "our")
            and role is not None
            and role.key in ROLES
            and adjacent(det, role)
        )
    if text[token.end : token.end + 2] == "'s" and nxt.start == token.end + 3:
        return nxt.key in _ATTRIBUTES
    if not adjacent(token, nxt):
        return False
    if nxt.key == "and":
        # "Grace and her partner moved…", "Rocky and his friend…": a name and the person's own.
        own, whose = at(index + 2), at(index + 3)
        return (
            adjacent(nxt, own)
            and own is not None
            and own.key in ("her", "his", "their")
            and whose is not None
            and adjacent(own, whose)
            and (whose.key in ROLES or whose.key in _ATTRIBUTES)
        )
    if verb(nxt):
        return True
    if nxt.key in _ADVERBS and verb(at(index + 2)) and adjacent(nxt, at(index + 2)):
        return True
    if nxt.key in ("was", "is", "had", "has", "would", "could", "did"):
        after = at(index + 2)
        if after is None or not adjacent(nxt, after):
            return False
        if after.key == "been" or verb(after) and nxt.key in ("had", "has", "would", "could", "did"):
            return True
        role = at(index + 3)
        return (
            after.key in ("the", "a", "an", "her", "his", "their", "my", "our")
            and role is not None
            and role.key in ROLES
            and adjacent(after, role)
        )
    return False


# "said were", "was told": verbs that are also on a name list ("Said", "Were") never pair into a name.
COMMON_VERBS = frozenset(
    re.findall(
        r"[a-z]+",
        """said says were was is are am be been being had has have having did does do done will would
    could should shall can may might must went got told saw see made came left took gave asked then
    than when where also not too very more most much many now here there only just even still well
    like""",
    )
)
