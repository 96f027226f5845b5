"""English."""

from __future__ import annotations

from bot.domain.replies.lexicon import Words

_NOT = r"(?:can'?t|cannot|can not|won'?t|will not|wont|not|don'?t|dont|doesn'?t|no longer)"
_COME = (
    r"(?:come|coming|make it|be there|be able|be abel|attend\w*|show up|go|going|be coming|"
    r"be in|get there|be making it)"
)

# a word table: several words to a line reads better than one per line
# fmt: off
ENGLISH = Words(
    common=(
        r"the", r"thanks?", r"thank you", r"thx", r"hello", r"hi", r"hey", r"please", r"pls",
        r"sorry", r"sory", r"my", r"you", r"is", r"at", r"and", r"what", r"wrong number", r"i",
        r"it", r"to", r"we", r"me", r"appointment", r"of", r"for", r"with",
    ),
    noise=(
        r"sorry (?:for|about) (?:the |my )?(?:late|slow|delayed) (?:reply|response|answer)",
        r"(?:replying|answering|responding) late", r"if possible", r"if (?:that'?s|it'?s) ok\w*",
        r"if you can", r"late reply", r"if that works", r"if it works", r"if (?:you )?please",
    ),
    not_reschedule=(
        r"(?:no need|don'?t (?:need|want)|do not (?:need|want)) to reschedul\w*",
        r"don'?t bother reschedul\w*", r"no reschedul\w*", r"i'?ll (?:re-?book|book again)\w*",
        r"(?:will|i'?ll) re-?book later", r"no need to (?:change|move)\w*", r"changed my mind",
        r"change (?:my )?(?:stylist|hairdresser|master|barber)",
    ),
    positive=(
        r"can'?t wait", r"no problem", r"no worries", r"won'?t forget", r"will not forget",
        r"wouldn'?t miss it", r"would not miss it", r"(?:can'?t|cannot) miss (?:it|this)",
        r"no way i'?m (?:missing|skipping) (?:it|this)",
        r"no chance i'?m (?:missing|skipping) (?:it|this)",
        r"not (?:missing|skipping) (?:it|this)", r"can'?t not (?:come|be there|make it)",
        r"(?:please )?(?:don'?t|do not|dont) cancel\w*", r"no need to cancel", r"won'?t be late",
        r"will not be late", r"not (?:going to be|gonna be) late", r"nothing can stop me",
        r"no doubt", r"there'?s no way i won'?t (?:come|be there)",
    ),
    late=(
        r"late", r"lat", r"lae", r"lste", r"running behind", r"behind schedule",
        r"(?:\d+ )?(?:min|mins|minutes) behind", r"running \d+ behind",
    ),
    reschedule=(
        r"reschedul\w*", r"reshedul\w*", r"re-?book\w*", r"move (?:it|my|me|the|our|this)",
        r"moving (?:it|my)", r"another (?:time|day|date|slot)",
        r"different (?:time|day|date|slot)", r"change (?:it|the|my)", r"push (?:it|my|the)",
        r"bump (?:it|me)", r"can we do", r"could we do", r"any chance for", r"come later",
        r"later time", r"(?:earlier|later) (?:slot|appointment)", r"shift (?:it|my)",
        r"postpone\w*",
        r"(?:an?|one|\d+|two|half an?) (?:hour|hr|day|minutes?|mins?|week)s? (?:later|earlier)",
        r"(?:what )?other (?:slots|times|days|dates)", r"(?:what|any) (?:slots|times) do you have",
    ),
    proposal=(
        r"can we", r"could we", r"can i", r"could i", r"how about", r"what about", r"maybe",
        r"next week", r"would .{1,20} work", r"is .{1,20} (?:free|available|possible)",
        r"any (?:slots?|availability|time)", r"does .{1,20} work", r"would be (?:great|good)",
        r"works? for me", r"i can (?:only|do|make)", r"only", r"earliest",
    ),
    later_period=(r"next week", r"later this week", r"later in the week"),
    doubt=(
        r"not sure", r"i'?ll think", r"maybe", r"perhaps", r"don'?t know", r"dont know",
        r"will try", r"i'?ll try", r"might", r"probably", r"we'?ll see", r"hopefully",
        r"i thought", r"(?:i'?ll|will) confirm", r"confirm later", r"let you know",
        r"(?:i'?ll|will) (?:get back|text you|message you)", r"don'?t remember",
    ),
    cancel=(
        rf"{_NOT} (?:\w+ ){{0,3}}{_COME}",
        r"can'?t(?: \w+)?", r"cannot", r"can not", r"unable", r"cancel\w*", r"not going to make",
        r"gonna have to skip", r"have to skip", r"skip (?:it|this|the)", r"count me out",
        r"i'?m out", r"not today", r"not gonna", r"call off", r"drop (?:it|my)", r"cancle\w*",
        r"cancell\w*", r"take me off", r"won'?t be (?:in|there)", r"not make it",
    ),
    cancel_request=(
        r"(?:please |pls |plz )?cancel (?:it|my|the|me|this|our)",
        r"(?:can|could|would) you (?:please )?cancel", r"i (?:want|need|would like) to cancel",
        r"i'?d like to cancel", r"cancel please", r"pls cancel", r"plz cancel",
        r"please (?:just )?cancel", r"(?:have|need) to cancel", r"take me off",
    ),
    cancel_ask=(
        r"(?:can|could|would) you (?:please |pls |just )?cancel", r"please cancel",
        r"cancel (?:it|my \w+|me|this),? please",
    ),
    no=(r"no", r"nope", r"nah", r"n"),
    confirm_strong=(
        r"i'?ll be there", r"will be there", r"i'?ll come", r"i will come", r"see you", r"see ya",
        r"see u", r"c u", r"still on", r"coming", r"count me in", r"on my way", r"be there",
        r"i will attend", r"attending", r"i'?ll make it", r"will make it", r"looking forward",
        r"i'?m going", r"ill be (?:there|ther)", r"100% (?:there|coming)", r"still good",
        r"i'?ll be in",
    ),
    confirm_weak=(
        r"yes", r"yse", r"yep", r"yeah", r"ya", r"yup", r"ye", r"yea", r"sure",
        r"confirm(?:ed|ing|s)?", r"confrim\w*", r"comfirm\w*", r"ok", r"okay", r"okey", r"k",
        r"kk", r"y", r"absolutely", r"definitely", r"sounds good", r"great", r"perfect",
        r"of course", r"alright", r"all right", r"fine", r"noted", r"got it", r"cool", r"for sure",
        r"will do", r"affirmative", r"100%", r"yes please",
    ),
    question=(
        r"how", r"what", r"when", r"where", r"who", r"why", r"which", r"is there", r"are there",
        r"do i", r"do you", r"does", r"should i", r"would it", r"will there", r"is it", r"what if",
        r"how much", r"can i ask", r"am i",
    ),
    wh=(
        r"how(?! about)", r"what(?! about)", r"when", r"where", r"who", r"why", r"which",
    ),
    ask_slots=(
        r"other (?:slots|times|days|dates)", r"(?:slots|times|availability) do you have",
    ),
    confused=(
        r"i thought (?:it|my appointment) was", r"i (?:didn'?t|did not) book",
        r"don'?t remember booking", r"wrong number",
    ),
    surely_late=(r"(?:there'?s )?no way i won'?t be late", r"i can'?t not be late"),
    conditional=(r"if", r"in case", r"incase", r"unless", r"should i need", r"in the event"),
    complaint=(
        r"last time", r"last visit", r"not ok", r"not okay", r"unacceptable", r"complain\w*",
        r"waited \d+ (?:min|minutes)", r"disappoint\w*", r"rude",
    ),
    take=(
        r"i'?ll take (?:it|that|that one|the slot)", r"take it", r"i want it", r"book (?:me|it)",
        r"book me in", r"put me (?:in|down)", r"grab it", r"works for me", r"that works",
        r"works", r"suits me", r"perfect", r"count me in", r"please do", r"go ahead",
        r"yes please", r"i'?m in",
    ),
    pass_on=(
        r"doesn'?t (?:work|suit)", r"does not (?:work|suit)", r"won'?t work",
        r"can'?t make (?:it|that)",
        r"not (?:for me|that time|then)", r"no thanks?", r"no thank you", r"i'?ll pass", r"pass",
        r"not convenient", r"too (?:early|late|soon)", r"i'?m busy", r"busy then",
    ),
    sooner=(r"earlier", r"sooner", r"early", r"before (?:that|then|it)", r"closer"),
    openings=(
        r"any ?thing", r"any", r"some ?thing", r"slots?", r"openings?", r"spots?", r"space",
        r"availab\w*", r"free", r"let me know", r"do you have", r"is there", r"are there",
        r"can i", r"could i", r"possible", r"opens? up", r"comes? up", r"cancellation",
    ),
    leave_list=(
        r"take me off", r"remove me", r"(?:don'?t|do not|no longer) need (?:it|one|a slot|"
        r"the slot|to wait)?(?: any ?more)?", r"not needed any ?more", r"off the (?:wait ?list|"
        r"waiting list|list)", r"(?:cancel|drop) (?:my )?(?:wait ?list|waiting list)\w*",
        r"stop waiting", r"not interested any ?more",
    ),
    names_booking=(
        r"cancel\w*", r"my (?:appointment|booking|visit|slot|reservation)",
        r"(?:the|my) (?:appointment|booking) (?:tomorrow|today|on \w+)",
    ),
    keep_booking=(
        r"keep (?:my|the) (?:current |original |old |own )?(?:appointment|booking|time|slot)",
        r"i'?ll keep (?:it|mine|my \w+)", r"stick (?:with|to) my (?:\w+ )?(?:appointment|time)",
    ),
    today=(r"today", r"tonight"),
    tomorrow=(r"tomorrow", r"tmrw?", r"tomorow", r"tommorow", r"tomorrw"),
    after_tomorrow=(r"(?:the )?day after tomorrow",),
    weekdays=(
        (r"monday", r"mon"),
        (r"tuesday", r"tue", r"tues"),
        (r"wednesday", r"wed"),
        (r"thursday", r"thu", r"thurs", r"thrusday", r"thursay"),
        (r"friday", r"fri"),
        (r"saturday",),
        (r"sunday",),
    ),
    day_parts=(
        (r"mornings?", r"before (?:lunch|noon)"),
        (r"afternoons?", r"after (?:lunch|noon)"),
        (r"evenings?", r"tonight", r"after work", r"(?:at|in the) night"),
    ),
    months=(
        r"january|jan", r"february|feb", r"march|mar", r"april|apr", r"may", r"june|jun",
        r"july|jul", r"august|aug", r"september|sept?", r"october|oct", r"november|nov",
        r"december|dec",
    ),
    next_week_day=(r"next",),
    same_time=(r"(?:at )?(?:the )?same time", r"same hour"),
    next_day=(r"(?:the )?next day", r"(?:the )?following day", r"(?:the )?day after(?! tomorrow)"),
    from_today=(r"from (?:today|now)",),
    replaced=(
        r"instead of (?:the )?\w+", r"from \d{1,2}(?::\d\d)?(?= to)", r"not at \d{1,2}",
        r"(?:another|a different|other) (?:day|time|date)", r"keep the day",
    ),
    later=(r"later", r"latr", r"back", r"push\w*", r"after"),
    earlier=(r"earlier", r"early", r"forward", r"sooner", r"before"),
    instead=(r"instead",),
    hour=r"hours?|hrs?|h",
    minute=r"minutes?|mins?|m",
    day=r"days?",
    week=r"weeks?",
    in_=r"in",
    numbers={
        "a": 1,
        "an": 1,
        "one": 1,
        "two": 2,
        "couple of": 2,
        "a couple of": 2,
        "couple": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "ten": 10,
        "fifteen": 15,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "forty five": 45,
        "half an": 0,
        "half": 0,
    },
    ordinal=r"(?:the )?(\d{1,2})(?:st|nd|rd|th)",
)
# fmt: on
