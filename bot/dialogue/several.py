"""Several requests in one message, handled one after the other (issue 14).

"Cancel A1001 and return the shoes from B2002", "where is my parcel and how long do refunds
take?": read whole, such a message is one intent with two order ids, and the bot does the first
thing and forgets the second. So an opening message is cut where a new clause may start (a
sentence end, "and", "also", "plus") and each piece is read by the NLU on its own:

- pieces that ask nothing and request nothing ("I ordered them last week") join the next piece
  and the joined text is read again; greetings and thanks are dropped;
- a policy question and a request: the question is answered first, then the request proceeds;
- two requests about two different orders: the first is handled; once it is settled (done,
  refused, declined), the bot says it now turns to the next one and does it. A problem told as
  a statement ("The plates from T3017 arrived broken.") is such a request when another request
  on another order follows it; with a question it is the situation the question is about.

Anything else (one request, a request whose second half names no other order: "my order A1001
arrived broken and I want a refund") stays one message, read whole. The parts not yet handled
wait in `DialogueState.pending`; a handoff drops them (the person reads the whole message).
"""

from __future__ import annotations

import dataclasses
import re

from bot.dialogue import replies
from bot.dialogue.context import TurnContext
from bot.dialogue.flows import TurnHandler, situation_of
from bot.dialogue.state import Choice, DialogueState, normalise
from bot.dialogue.turn import BotMessage, Outcome, typed
from bot.dialogue.vocabulary import FLOW_INTENTS, NO_REASON, REASON_OF_INTENT, TRACKING
from bot.dialogue.wording import (
    ACTION_ASKED,
    ALREADY_REQUESTED,
    disputes_a_decision,
    fine_told,
    question_sentences,
    without_questions,
)
from nlu.client import Parser
from nlu.long_text import sentence_spans
from nlu.types import IntentScore, ParseResult

# Where a new clause may start inside a sentence: "and", "and also", "also", "plus", "as well
# as"; a numbered item ("2 things: 1) pls cancel A6610, ... 2) the refund for A6021 still isnt
# on my card?? when??": read as one piece, the refund was forgotten, dev16 x58).
_JOIN = re.compile(
    r"\s*[;,]?\s*\b(?:and(?:\s+(?:also|then))?|also|plus|as well as)\b[\s,]+"
    r"|(?:^|(?<=\s))[1-9]\)\s+",
    re.I,
)
# More pieces than this is a story, not a list of requests: read whole (and by sentence,
# `nlu.long_text`), as before. It also bounds the extra NLU calls of one message.
MAX_PIECES = 4
# Pieces that say nothing the bot acts on.
SMALL_TALK = frozenset({"greet", "thank", "goodbye", "affirm", "deny"})


def pieces(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the clauses of ``text``: its sentences, cut at conjunctions."""
    spans: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        cut = start
        for match in _JOIN.finditer(text, start, end):
            if match.start() > cut:
                spans.append((cut, match.start()))
            cut = match.end()
        if end > cut:
            spans.append((cut, end))
    return [(s, e) for s, e in spans if text[s:e].strip(" .,!?;")]


def is_question(part: ParseResult) -> bool:
    return part.intent.name == "ask_policy"


def is_request(part: ParseResult) -> bool:
    """An after-sales request, said as one: the act reader calls it a request (or there is no
    act reader), or it asks where an order or a refund is. Not a statement ("my parcel is a
    week late" reads as a not-received claim told as information: with a question after it, it
    is the situation the question is about) nor a question about a request ("can I return an
    opened lipstick and get a full refund?" is a policy question in two clauses)."""
    if part.intent.name not in FLOW_INTENTS or part.intent.name == "complaint":
        # A complaint is how the buyer feels about what happened ("buying shoes online is a
        # gamble every time"), not a second thing to do.
        return False
    if part.intent.name not in TRACKING and ALREADY_REQUESTED.search(normalise(part.text)):
        # "My return for the running shorts got approved today": a request already made is the
        # situation of the question beside it, not a second one to start.
        return False
    act = part.dialogue_act
    return (
        act is None
        or act.name == "request"
        or part.intent.name in TRACKING
        # "could you please cancel my order SG-84107?": asked of the bot, a request (dev5 g25:
        # read as a question, the cancel was lost behind the fee question after it).
        or bool(ACTION_ASKED.match(normalise(part.text)))
    )


def is_told_claim(part: ParseResult) -> bool:
    """A problem told as a statement ("The plates from T3017 arrived broken."): the claim the
    buyer wants settled when another request on another order follows it, the situation a
    question is about when a question follows it (`plan`)."""
    act = part.dialogue_act
    return (
        part.intent.name in REASON_OF_INTENT
        and act is not None
        and act.name == "inform"
        and not is_request(part)
    )


def order_spans(text: str, whole: ParseResult | None) -> list[tuple[int, int]] | None:
    """A message naming two orders in different sentences cut before the sentence that names
    the second: "First, I ordered ... order X ..., so please cancel that one. Second, I also
    want to send back the lamp from order Y. It's fine, I just don't like it ..." is two
    requests told as a story, too many pieces to be read as a list (dev8 k52: the cancellation
    was done and the return forgotten). None otherwise."""
    if whole is None:
        return None
    named = sorted((e for e in whole.entities if e.entity == "order_id"), key=lambda e: e.start)
    if len({e.value.upper() for e in named}) != 2:
        return None
    sentences = sentence_spans(text)
    second = next(e for e in named if e.value.upper() != named[0].value.upper())

    def sentence_of(position: int) -> int:
        return next((i for i, (s, e) in enumerate(sentences) if s <= position < e), -1)

    first_at, second_at = sentence_of(named[0].start), sentence_of(second.start)
    if first_at < 0 or second_at <= first_at:
        return None
    cut = sentences[second_at][0]
    return [(sentences[0][0], cut), (cut, sentences[-1][1])]


async def read_parts(
    parser: Parser, text: str, whole: ParseResult | None = None
) -> list[ParseResult] | None:
    """The message's parts, each read by ``parser``, in the message's order; None when it is
    one piece, too many, or fewer than two of them ask or request something. Too many pieces
    naming two orders in different sentences are cut at the second (`order_spans`)."""
    spans = pieces(text)
    if len(spans) > MAX_PIECES:
        spans = order_spans(text, whole) or spans
    if not 2 <= len(spans) <= MAX_PIECES:
        return None
    readings = [await parser.parse(text[s:e]) for s, e in spans]
    groups: list[list[int]] = []  # indices of the pieces of each part
    waiting: list[int] = []  # pieces that join the next part
    for i, reading in enumerate(readings):
        if reading.intent.name in SMALL_TALK or fine_told(reading.text):
            # "rice cooker order tak ada masalah": an order said to be fine is no request on
            # it (read as one, its return was offered and confirmed, dev9 m23).
            continue
        waiting.append(i)
        if is_question(reading) or is_request(reading) or is_told_claim(reading):
            groups.append(waiting)
            waiting = []
    if waiting and groups:
        groups[-1].extend(waiting)
    if len(groups) < 2:
        return None
    parts = []
    for group in groups:
        if len(group) == 1:
            parts.append(readings[group[0]])
        else:  # joined pieces are read again as one text
            parts.append(await parser.parse(text[spans[group[0]][0] : spans[group[-1]][1]]))
    return parts


def plan(
    parts: list[ParseResult],
    state: DialogueState,
    ctx: TurnContext,
    whole: ParseResult | None = None,
) -> list[ParseResult]:
    """The order in which to handle the parts: questions first, then the requests; or one
    part (the whole message, ``whole`` being its reading) when they are not several requests
    after all."""
    if not ctx.recent_orders():
        # A request would only ask for an order the buyer does not have: a buyer with no
        # recent orders is answered (`TurnHandler._run`), the message read whole.
        return []
    if any(is_request(p) and p.intent.name not in TRACKING for p in parts):
        # "could you please cancel SG-84107? ... how long until the money is back on my card?":
        # beside a request to do something, a tracking part asked as a question and naming no
        # order asks how that request's money goes, a question about the rule (dev5 g25: read
        # as a second request without an order, the message was read whole, as one question,
        # and nothing was cancelled).
        parts = [_as_question(p) if _asks_how_it_goes(p) else p for p in parts]
    questions = [p for p in parts if is_question(p)]
    if questions and whole is not None and disputes_a_decision(whole.text):
        # "the seller rejcted my return for the jeans X saying i wore them ... i want to
        # dispute this. how long does the seller have to reply??": the question answered, then
        # the decision disputed, read whole; cut in parts, the rejected return read as a
        # refund to track and the dispute was lost ("No refund has been issued", dev14 v43).
        complaint = IntentScore("complaint", whole.intent.confidence)
        return [*questions, dataclasses.replace(whole, intent=complaint)]
    misread = _request_behind_a_tracking_reading(parts, questions, whole)
    if misread is not None:
        return [*questions, misread]
    told = [p for p in parts if is_told_claim(p)]
    if told and questions:
        # "my parcel is a week late and when do I get something?": the situation the question
        # is about, one message.
        return []
    if questions and whole is not None and is_question(whole) and not any(map(_names_order, parts)):
        # Read whole, the message is a question, and no part names an order: its other parts
        # tell the situation the question is about, even when a part alone reads as a request
        # ("My parcel is 5 days late. What are the rules, do I get my money back?", "My skirt
        # arrived three weeks ago. Am I still within the time for returns?"). One question,
        # answered with its situation, then the offer to check the order.
        return []
    requests = [p for p in parts if (is_request(p) or is_told_claim(p)) and not is_question(p)]
    if not requests or len(questions) + len(requests) != len(parts):
        return []
    if told and len(requests) < 2:
        return []
    if len(requests) > 1:
        orders = [_order_of(p, state, ctx) for p in requests]
        if None in orders or len(set(orders)) != len(orders):
            return []
    return questions + requests


def _request_behind_a_tracking_reading(
    parts: list[ParseResult], questions: list[ParseResult], whole: ParseResult | None
) -> ParseResult | None:
    """The one request of a message read whole as tracking because of its question: "I'd like
    to return the wool coat from order X please. I've decided it isn't for me ... Once the
    seller has it back, how long until the refund is issued?" read track_refund, and "No refund
    has been issued" was the reply (dev16 x26). Its first part is a request to do something on
    the order it names, and no other part names an order: that request, told with the rest of
    the message but its questions (which are answered first), with the surest reason a part
    names ("I've decided it isn't for me": a change of mind); None otherwise."""
    if not questions or whole is None or whole.intent.name not in TRACKING:
        return None
    first = parts[0]
    if not (is_request(first) and first.intent.name not in TRACKING and _names_order(first)):
        return None
    if any(_names_order(p) for p in parts[1:]) or not whole.text.startswith(first.text.strip()):
        return None
    told = [p.claim_reason for p in parts if not is_question(p) and p.claim_reason is not None]
    reasons = [r for r in told if r.name != NO_REASON]
    reason = max(reasons, key=lambda r: r.confidence, default=first.claim_reason)
    return dataclasses.replace(first, text=without_questions(whole.text), claim_reason=reason)


def _asks_how_it_goes(part: ParseResult) -> bool:
    """A tracking part ("how long until the money is back on my card?") asked as a question
    (its question mark and the act reader's question), naming no order."""
    act = part.dialogue_act
    return (
        part.intent.name in TRACKING
        and part.text.rstrip().endswith("?")
        and act is not None
        and act.name == "question"
        and not _names_order(part)
    )


def _question_only(part: ParseResult) -> ParseResult:
    """A question part as its question sentences ("...?"); the part itself when it is one, or
    has none (a question without its mark)."""
    asked = " ".join(question_sentences(part.text))
    if not asked or asked == part.text.strip():
        return part
    return dataclasses.replace(part, text=asked)


def _as_question(part: ParseResult) -> ParseResult:
    return dataclasses.replace(part, intent=IntentScore("ask_policy", part.intent.confidence))


def _with_situation(question: ParseResult, requests: list[ParseResult]) -> ParseResult:
    """A question answered ahead of the message's request is about that request's problem
    ("the cup came chipped, only 12 dollars. Do I need to send it back?"): when the question
    names no problem itself, it takes the first request's, so retrieval prefers that problem's
    section (`retrieval.situation`) over a clause that merely shares the question's words."""
    if situation_of(question) is not None:
        return question
    for request in requests:
        if situation_of(request) is not None:
            return dataclasses.replace(question, claim_reason=request.claim_reason)
    return question


def _names_order(part: ParseResult) -> bool:
    return any(e.entity == "order_id" for e in part.entities)


def _order_of(part: ParseResult, state: DialogueState, ctx: TurnContext) -> str | None:
    """The buyer's order a part names: by id (exact or loose) or by an item only it has."""
    reading = TurnHandler(state, ctx, part, [])
    named = reading._order_entity()
    if named is not None:
        return reading._owned(named)
    return reading._typed_order()


def run(
    state: DialogueState,
    ctx: TurnContext,
    parse: ParseResult,
    attachments: list[dict],
    parts: list[ParseResult] | None = None,
    question_read: bool = False,
) -> Outcome:
    """One buyer turn: the message's parts one after the other when it has several, else the
    message; then any part still waiting from an earlier message, once nothing is open.
    ``question_read``: the opening's question sentence, read alone, is a policy question
    (`DialogueManager._asks_about`)."""
    ordered = plan(parts, state, ctx, parse) if parts else []
    asked = _asks_about_its_problem(parts, ordered, question_read)
    if asked:
        # One problem told with a question about it: read whole (`TurnHandler.asks_about`).
        ordered = []
    if ordered and not all(map(is_question, ordered)):
        # Questions answered ahead of a request ask in their question sentences; what a piece
        # joined to one tells ("I've changed my mind; it is unused with the tags on. Also, how
        # long do I have to return bags?") is the request's, which follows. Asked with it,
        # retrieval quoted the return conditions, not the window asked (dev5 g34).
        ordered = [_question_only(p) if is_question(p) else p for p in ordered]
    if ordered:
        first, rest = ordered[0], ordered[1:]
        if is_question(first):
            first = _with_situation(first, rest)
        # A photo sent with the message comes with each waiting part: "cancel the lamp. and
        # the glasses came smashed, foto attached" asked for the glasses' photo again (dev6 h55).
        state.pending = [_stored(p, _images(attachments)) for p in rest]
        handler = TurnHandler(state, ctx, first, attachments)
        # A question answered ahead of a request offers no check of an order: the request is
        # what the buyer wants done.
        handler.offers_check = not rest
        handler.message_text = parse.text
        handler.message_typed = parse.typed or parse.text
        out = handler.run()
        return go_on(state, ctx, out, after_request=not is_question(first))
    else:
        handler = TurnHandler(state, ctx, parse, attachments)
        handler.asks_about = asked
        handler.question_read = question_read
        handler.parts = list(parts or ())
        out = handler.run()
    return go_on(state, ctx, out)


def _asks_about_its_problem(
    parts: list[ParseResult] | None, ordered: list[ParseResult], question_read: bool = False
) -> bool:
    """Whether an opening tells one problem and asks a policy question about it, naming no
    order ("My mug reach already but got crack. Only 12 dollar one. Need to post back the
    broken mug or not?", "the cup come chipped, only 12 dollar one. I need to send back or
    not?"): a part reads as a policy question, and the rest is at most one problem told (not
    an action asked for on its own: "cancel it, and how long do refunds take?" stays two
    things to do). Read whole, such a message is the claim; its question was answered after a
    photo the buyer did not have was asked for, or never (dev3 f13-f15, dev2 e21, e22)."""
    if not parts:
        return question_read  # one piece: its question sentence read alone says it
    if any(p.intent.name == "cancel_order" for p in parts):
        return False  # a cancellation is done, not offered (`DialogueManager._asks_about`)
    if any(map(_names_order, parts)) or not (question_read or any(map(is_question, parts))):
        return False
    others = [p for p in (ordered or parts) if not is_question(p)]
    if not ordered:
        # Read whole already (`plan`): the other parts are the story the question is about.
        return True
    return len(others) == 1 and (
        situation_of(others[0]) is not None or others[0].intent.name in REASON_OF_INTENT
    )


def go_on(
    state: DialogueState, ctx: TurnContext, out: Outcome, after_request: bool = True
) -> Outcome:
    """Start the next waiting part once the one before is settled: no flow, no offer, and
    nothing asked but the rating of the chat or the optional "would you like a person?". A
    request is announced ("Now for your next request: ...") when it follows another request;
    after a question answered first (``after_request`` False) it is simply the request, which
    the buyer has just said (dev16 x26 was told its own message back)."""
    while state.pending and out.handoff_case_id is None and _settled(state):
        stored = state.pending.pop(0)
        part = ParseResult.from_dict(stored)
        was_question = is_question(part)
        person_offered = state.expecting == "choice" and state.choice is Choice.PERSON
        state.clear_prompt()
        handler = TurnHandler(state, ctx, part, list(stored.get(_ATTACHMENTS) or ()))
        handler.offers_check = not state.pending
        more = handler.run()
        if person_offered and more.handoff_case_id is None:
            _keep_person_offer(state)
        if not was_question and after_request:
            out.messages.append(BotMessage.of(replies.next_request(part.text)))
        after_request = after_request or not was_question
        out.messages.extend(more.messages)
        out.handoff_case_id = more.handoff_case_id
    if out.handoff_case_id is not None:
        state.pending = []
    return out


def _keep_person_offer(state: DialogueState) -> None:
    """The first request was refused with "Talk to a person" on offer: the next request's
    question keeps that button (a tap hands over at once), and when the next request asks
    nothing the offer is made again, so a refusal never loses its way to a person."""
    person, no_thanks = replies.label("person"), replies.label("no_thanks")
    if state.expecting is None:
        state.expecting, state.choice = "choice", Choice.PERSON
        state.quick_replies = [person, no_thanks]
        state.options = {**typed(person, "person"), **typed(no_thanks, "no_thanks")}
        return
    if state.expecting == "rating" or person in state.quick_replies:
        return
    state.quick_replies = [*state.quick_replies, person]
    state.options.update(typed(person, "person"))


def _settled(state: DialogueState) -> bool:
    if state.flow is not None or state.proposal is not None:
        return False
    return state.expecting in (None, "rating") or (
        state.expecting == "choice" and state.choice is Choice.PERSON
    )


def _stored(part: ParseResult, attachments: list[dict] | None = None) -> dict:
    stored = {**part.to_dict(), "text": part.text}
    if attachments:
        stored[_ATTACHMENTS] = attachments
    return stored


# Where a waiting part keeps the images sent with its message (`ParseResult.from_dict` reads
# only its own keys).
_ATTACHMENTS = "attachments"


def _images(attachments: list[dict]) -> list[dict]:
    """The image attachments, as stored state: their type and url only."""
    return [
        {"type": "image", "url": a["url"]}
        for a in attachments
        if a.get("type") == "image" and a.get("url")
    ]
