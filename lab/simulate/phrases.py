"""What simulated buyers say: phrase banks per claim and per answer, and the noise real typing
adds (greetings, casing, typos, texting shorthand, emojis).

Two registers, because the latent type shows in how people write as much as in what they claim:
the genuine register is polite, explains, and accepts questions; the abusive register is curt,
demanding, repeats itself, and pushes back on evidence. Templates use ``{order}``, ``{item}``,
``{days}`` placeholders; noise is applied to the template *before* the placeholders are filled,
so an order number is never mangled (the bot has to find it, as it would in a real chat).

Every line here was written for the simulator (the load benchmark's bank in
lab/loadtest/scenarios.py is smaller and only needs the happy paths).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

Register = str  # "genuine" or "abusive"

GREETINGS = {
    "genuine": [
        "hi", "hello", "good morning", "good evening", "hi there", "hello, hope you can help",
        "hey", "hi admin", "hello team", "hi, good afternoon", "halo", "morning",
    ],
    "abusive": ["hello??", "hey", "hi", "HELLO", "anyone there", "oi", "admin"],
}  # fmt: skip

# Claims whose wording depends on the item (a sock does not "turn on").
WEARABLE = {"apparel", "shoes", "underwear"}
DEVICES = {"electronics"}


def opener_key(claim: str, category: str | None) -> str:
    """The bank of opening lines for a claim about an item of this category."""
    if claim == "defective" and category in DEVICES:
        return "defective_device"
    if claim == "return" and category in WEARABLE:
        return "return_fit"
    return claim


# Opening claims by what the buyer claims. "genuine" wording explains; "abusive" demands.
OPENERS: dict[str, dict[Register, list[str]]] = {
    "cancel": {
        "genuine": [
            "please cancel order {order}",
            "i ordered {item} by mistake, can you cancel it",
            "I need to cancel {order}, found it cheaper elsewhere sorry",
            "hi can u stop my order {order}? i don't need it anymore",
            "cancel the {item} please, it hasn't shipped yet",
            "I placed {order} twice by accident, please cancel this one",
        ],
        "abusive": [
            "cancel {order} now",
            "cancel my order. i want the money back today",
            "CANCEL {order}",
        ],
    },
    "return": {
        "genuine": [
            "I'd like to return the {item}, I changed my mind",
            "how do I send back the {item} from {order}? changed my mind",
            "can I return {order}? not what I expected honestly",
            "i want to return my {item}, never used it",
            "I don't need the {item} anymore, can i send it back",
        ],
        "abusive": [
            "i want to return the {item} and get a full refund",
            "return {order}. i don't want it anymore. full refund",
            "this {item} is rubbish, taking it back, refund me",
            "returning the {item}, and i'm not paying any shipping",
        ],
    },
    "return_fit": {
        "genuine": [
            "I'd like to return the {item}, it doesn't fit",
            "the {item} is too small, i want to return it",
            "the {item} from {order} is too big, can I send it back?",
            "wrong size for me, how do i return the {item}",
        ],
        "abusive": [
            "wore the {item} once, doesn't fit. return it, full refund",
            "the {item} doesn't fit. i want ALL my money back",
            "returning {order}, don't like it. full refund, no fees",
        ],
    },
    "damaged": {
        "genuine": [
            "the {item} from {order} arrived broken",
            "hello, my {item} came damaged, the box was crushed",
            "order {order}: the {item} is cracked, it came like that",
            "unfortunately the {item} was smashed when i opened the parcel",
            "my {item} arrived with a big dent in it",
        ],
        "abusive": [
            "the {item} is broken. refund me",
            "{item} came damaged, i want my money back, not sending anything back",
            "your {item} arrived broken AGAIN. refund now",
            "order {order} damaged. refund",
        ],
    },
    "defective": {
        "genuine": [
            "the {item} has a defect, the seam came apart after {days} days",
            "my {item} ({order}) is faulty, it came with a manufacturing defect",
            "hi, the {item} from {order} is defective, part of it is missing",
            "the {item} fell apart the first time i used it",
        ],
        "abusive": [
            "{item} is defective. refund",
            "the {item} is junk, fell apart, i want a refund now",
            "faulty {item}. money back please. now",
        ],
    },
    "defective_device": {
        "genuine": [
            "the {item} stopped working after {days} days",
            "my {item} ({order}) doesn't turn on at all",
            "the {item} I got is faulty, it keeps switching off",
            "hi, the {item} from {order} is defective, not working properly",
        ],
        "abusive": [
            "{item} doesn't work. refund",
            "the {item} is junk, stopped working, i want a refund now",
            "dead on arrival {item}. money back. now",
        ],
    },
    "wrong_item": {
        "genuine": [
            "you sent me the wrong {item}, i ordered a different colour",
            "I received the wrong size for {order}",
            "this isn't what I ordered, order {order} has the wrong item inside",
            "got a blue one instead of black, order {order}",
        ],
        "abusive": [
            "wrong item sent. refund",
            "this is NOT what i ordered. i want my money back",
            "you sent the wrong {item}, refund me and i keep it",
        ],
    },
    "not_as_described": {
        "genuine": [
            "the {item} is not what the picture showed",
            "the {item} from {order} looks nothing like the listing",
            "the material of the {item} is completely different from the description",
        ],
        "abusive": [
            "{item} looks nothing like the photos. scam. refund",
            "this {item} is fake, not as described, i want a refund",
            "not as described. full refund now",
        ],
    },
    "not_received": {
        "genuine": [
            "my parcel {order} still hasn't arrived",
            "hi, the {item} was supposed to come days ago, where is it?",
            "order {order} never arrived, it's way past the delivery date",
            "i'm still waiting for my {item}, the tracking hasn't moved in days",
            "it's been over a week and {order} is still not here",
        ],
        "abusive": [
            "never got my {item}. refund",
            "order {order} not received. i want my money back",
            "the {item} NEVER ARRIVED. refund me now",
            "nothing came. {order}. refund",
        ],
    },
    "porch_theft": {
        "genuine": [
            "tracking says {order} was delivered but it's not here",
            "it says delivered but nothing came, i already asked my neighbours",
            "the {item} shows as delivered yesterday but there's no parcel at my door",
        ],
        "abusive": [
            "it says delivered but i got NOTHING. refund",
            "{order} marked delivered, never received it. money back now",
            "your courier lies, the {item} never came. refund",
        ],
    },
    "late_delivery": {
        "genuine": [
            "my order {order} arrived really late, much later than promised",
            "the {item} came {days} days after the delivery date, is there any compensation?",
            "parcel was late by almost a week, can I get something for that",
        ],
        "abusive": ["delivery was late. i want compensation", "{order} came late, pay me back"],
    },
    "payment_problem": {
        "genuine": [
            "I was charged twice for order {order}",
            "the payment failed but the money was taken from my account",
            "hi, my card shows two charges for the same {item}",
        ],
        "abusive": ["you charged me twice. fix it NOW", "money taken twice. refund"],
    },
    "human": {
        "genuine": [
            "can i talk to a real person please",
            "I'd like to speak to an agent",
            "is there a human i can talk to",
            "please connect me to customer service staff",
        ],
        "abusive": [
            "real human NOW",
            "stop the bot, give me a person",
            "i want a manager",
            "agent. now.",
        ],
    },
    "dispute": {
        "genuine": [
            "I'm really unhappy with how my case for {order} was handled",
            "I don't agree with the decision on my order {order}",
            "the seller refused my return and I don't think that's fair",
        ],
        "abusive": [
            "worst service ever. your seller is a scammer",
            "i am so done with this shop. terrible",
            "you people are useless, {order} was handled terribly",
        ],
    },
}

POLICY_QUESTIONS = [
    "how many days do I have to return something",
    "is there a fee if I cancel an order",
    "how long until a refund shows up on my card",
    "what's the return period for electronics",
    "do I pay the return shipping",
    "can I return underwear or cosmetics",
    "what happens if my parcel is lost",
    "how long do I have to report a damaged item",
    "if i paid cash on delivery where does my refund go",
    "can i get compensation if delivery is late",
]

REASON_TYPED = {
    "damaged": ["it's broken", "arrived damaged", "it came smashed", "it's defective"],
    "wrong_item": ["wrong item", "they sent the wrong one", "different colour from what i ordered"],
    "not_received": ["it never arrived", "never came", "not received"],
    "late_delivery": ["it came late", "it was late", "late delivery"],
    "change_of_mind_return": ["I changed my mind", "changed my mind", "doesn't fit"],
}

PHOTO_TEXT = {
    "genuine": ["here's a photo", "see the picture", "photo attached", "this is how it came"],
    "abusive": ["there", "photo. now refund", "look"],
}
NO_PHOTO = {
    "genuine": [
        "I don't have a photo",
        "sorry, I don't have a photo, I threw the box away",
        "no photo sorry",
        "i haven't got a picture",
    ],
    "abusive": [
        "no photo. just refund me",
        "i don't have a picture and i don't need one",
        "no pic. why do you need a photo",
        "no photo, stop asking",
    ],
}
PHOTO_LATER = ["I'll send one later", "ok i'll take one later", "will send a photo later"]
YES = {
    "genuine": ["yes", "yes please", "yes go ahead", "ok please do", "sure", "yep, thanks"],
    "abusive": ["yes", "yes. hurry", "ok do it", "yes obviously", "yeah"],
}
NO = ["no", "no thanks", "no, leave it", "nope"]
PERSON = {
    "genuine": ["talk to a person please", "yes a person please", "i'd like an agent please"],
    "abusive": ["give me a person", "person. now", "i want to talk to a human"],
}
NO_THANKS = ["no thanks", "no, that's all", "no it's fine"]
PUSHBACK = [
    "that's ridiculous. i want my refund",
    "i told you already, refund me",
    "are you even listening? REFUND",
    "this is a joke. i want my money back",
    "i am not accepting that. refund",
]
ORDER_TYPED = ["it's {order}", "order {order}", "{order}", "the order number is {order}"]
WAITING = {
    "genuine": ["ok, thank you", "thanks, I'll wait", "ok"],
    "abusive": ["how long is this going to take??", "hurry up", "hello?? still waiting"],
}
REPHRASE_PREFIX = ["i mean,", "what i'm saying is", "again:", "let me say it differently:"]
GOODBYES = ["bye", "thanks, bye", "ok bye", "thank you, goodbye", "no that's all, bye"]

EMOJIS = {
    "genuine": ["🙏", "😊", "🙂", "😅", "📦", "😞"],
    "abusive": ["😡", "🤬", "😤", "🙄", "👎"],
}
SHORTHAND = {"you": "u", "please": "pls", "your": "ur", "thanks": "thx", "are": "r"}
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_KEYBOARD_NEIGHBOURS = dict(
    zip("qwertyuiopasdfghjklzxcvbnm", "wqrtyuiopoadfghjklkxcvbnmn", strict=True)
)


def typo(rng: random.Random, word: str) -> str:
    """One typing slip in a word: a dropped, doubled, swapped or neighbouring letter."""
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    low = word[i].lower()
    return word[:i] + _KEYBOARD_NEIGHBOURS.get(low, low) + word[i + 1 :]


def roughen(rng: random.Random, template: str, register: Register, *, typo_rate: float) -> str:
    """Texting noise on a template: shorthand, typos, casing, trailing punctuation, emoji.

    Placeholders (``{order}``...) are left untouched so that they can be filled afterwards.
    """
    words = template.split(" ")
    out = []
    for word in words:
        if _PLACEHOLDER.search(word):
            out.append(word)
            continue
        bare = word.lower().strip(",.?!")
        if bare in SHORTHAND and rng.random() < 0.25:
            word = word.lower().replace(bare, SHORTHAND[bare])
        elif rng.random() < typo_rate:
            word = typo(rng, word)
        out.append(word)
    text = " ".join(out)
    roll = rng.random()
    if roll < 0.3:
        text = text.lower()
    elif roll < 0.4:
        text = text[:1].upper() + text[1:]
    elif register == "abusive" and roll < 0.55:
        text = _shout(text)
    if register == "abusive" and rng.random() < 0.3 and text[-1:].isalnum():
        text += rng.choice(["!!", "!!!", "??", "."])
    elif rng.random() < 0.2 and text[-1:].isalnum():
        text += rng.choice(["!", "?", ".", " pls", " thanks"])
    if rng.random() < (0.25 if register == "abusive" else 0.15):
        text += " " + rng.choice(EMOJIS[register])
    return text


def _shout(text: str) -> str:
    # Upper-case everything but the placeholders (their names are lower case).
    parts = _PLACEHOLDER.split(text)
    names = _PLACEHOLDER.findall(text)
    out = parts[0].upper()
    for name, part in zip(names, parts[1:], strict=True):
        out += name + part.upper()
    return out


def pick(rng: random.Random, bank: Sequence[str]) -> str:
    return bank[rng.randrange(len(bank))]
