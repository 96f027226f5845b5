"""Turkish, Istanbul usage, written with or without its letters (ç ş ğ ı ö ü)."""

from __future__ import annotations

from bot.domain.replies.lexicon import Words

_VERB = r"(?:gel|katil|yetis|gid|ugray|varam|git)"

# a word table: several words to a line reads better than one per line
# fmt: off
TURKISH = Words(
    common=(
        r"merhaba", r"tesekkur\w*", r"sagol\w*", r"lutfen", r"kusura bakma\w*", r"ozur\w*",
        r"randevu\w*", r"sat\w*", r"abla", r"hocam", r"pardon", r"kimsiniz", r"nerede\w*", r"bir",
        r"ve", r"icin", r"cok", r"ama", r"ben", r"bu", r"ki", r"gibi",
    ),
    noise=(
        r"gec (?:cevap|donus|yazdigim) (?:icin|verdigim icin)[^.!?]*", r"mumkunse", r"mumkun ise",
        r"musaitseniz", r"uygunsa", r"olursa sevinirim", r"son dakika haber verdigim icin",
    ),
    not_reschedule=(
        r"fikrimi degistirdim", r"kuaforu degistir\w*",
        r"(?:ertelemeye|degistirmeye|baska gune almaya?) gerek yok", r"baska gune almayin",
        r"baska gun bakmaniza gerek yok",
        r"(?:sonra|daha sonra) (?:yeniden|tekrar) randevu alirim",
    ),
    positive=(
        r"unutmam", r"sorun yok", r"problem yok", r"merak etme\w*",
        r"iptal etme(?:yin|yiniz|yelim)?", r"iptal etmenize gerek yok", r"iptale gerek yok",
        r"iptal yok", r"kacirmam", r"kaciramam",
        r"asla kacirmam", r"gec kalmam", r"gec kalmayacagim",
        r"gelmemezlik yapmam", r"gelmemek olmaz", r"gelmemem (?:mumkun degil|imkansiz)",
        r"ne demek", r"kesinlikle kacirmam", r"yerimi vermeyin", r"gelmez miyim hic",
    ),
    late=(
        r"gec kal\w*", r"gecik\w*", r"biraz gec", r"rotar\w*", r"gec gelece\w*", r"gec gelic\w*",
        r"gec gelirim", r"yetisemeyebilirim", r"\d+ (?:dk|dakika) (?:kadar )?gec",
    ),
    reschedule=(
        r"ertele\w*", r"kaydirsak", r"baska (?:bir )?(?:gun|sat|zaman|tarih)\w*", r"degistir\w*",
        r"degisik\w*", r"kaydir\w*", r"sonraya al\w*", r"one al\w*", r"ileri al\w*",
        r"(?:bir|bi|yarim|\d+|iki) (?:sat|gun|dakika|dk) (?:sonraya|sonrasi|ileri)\w*",
        r"randevu(?:mu|yu)? (?:tasi|kaydir|al)\w*", r"baska hangi (?:sat|gun)\w*",
        r"\w{2,}(?:e|a|ye|ya) alabilir\w*", r"sonrya", r"ileri at\w*",
    ),
    proposal=(
        r"olur mu", r"olabilir mi", r"alabilir miyiz", r"alabilir misiniz", r"haftaya",
        r"gelecek hafta", r"musait\w* (?:mi|var)", r"yer var mi", r"uygun mu", r"yapabilir miyiz",
        r"bakabilir misiniz", r"harika olur", r"daha iyi olur", r"mumkun mu", r"alsak",
        r"gelebilir miyim",
    ),
    later_period=(r"haftaya", r"gelecek hafta", r"onumuzdeki hafta"),
    doubt=(
        r"belki", r"bilmiyorum", r"emin degil\w*", r"bakaca\w*", r"galiba", r"sanirim",
        r"insallah", r"deneyece\w*", r"bilemiyorum", r"kesin degil", r"donerim", r"haber veririm",
        r"hatirlamiyorum", r"saniyordum", r"randevu almadim", r"sonra onaylar\w*", r"dusunece\w*",
    ),
    cancel=(
        rf"{_VERB}(?:e|a)m(?:e|a|i|ı)\w*",
        rf"{_VERB}me(?:ye|yiz|m\b|z)\w*",
        rf"{_VERB}mi(?:yor|yo|ycem|cem)\w*",
        rf"{_VERB}mem",
        r"iptal\w*", r"iptl\w*", r"iptla\w*", r"olmayacak", r"olmuyor", r"musait degil\w*",
        r"maalesef olmaz", r"vazgectim", r"gelmiyoruz", r"yapamayacagim",
    ),
    cancel_request=(
        r"iptal (?:edin|ediniz|eder misiniz|edebilir misiniz|et|etmek istiyorum|edelim|"
        r"ettirmek|edebilirsiniz|lutfen|etmem (?:gerek|lazim)\w*|olsun|ediyorum)",
        r"randevumu iptal", r"iptal ede?r misin\w*", r"iptl edin", r"iptla edin",
    ),
    cancel_ask=(
        r"iptal (?:eder misiniz|edebilir misiniz|edin|eder misin|edebilir misin|edermisiniz)",
    ),
    no=(r"hayir", r"yok", r"h", r"yo"),
    confirm_strong=(
        r"gelece[gk]\w*", r"gelicem", r"geliyorum", r"geliyoruz", r"gelirim", r"orada\w*",
        r"orda olucam", r"gorusuruz", r"gorusmek uzere", r"katilaca[gk]\w*", r"geliyom",
        r"oradayim", r"yoldayim", r"kesin geliyorum", r"sabirsizlikla bekliyorum",
    ),
    confirm_weak=(
        r"evet", r"evt", r"tamam\w*", r"tmm", r"tm", r"olur", r"tabii?", r"tabiki", r"kesinlikle",
        r"onay\w*", r"e", r"ok", r"okey", r"peki", r"anlasildi", r"anladim", r"super", r"harika",
        r"elbette", r"e tabi", r"eyvallah", r"aynen", r"teyit\w*",
    ),
    question=(
        r"nasil", r"ne zaman", r"nerede", r"nerde", r"kac", r"neden", r"niye", r"hangi",
        r"ne kadar", r"ne olur", r"ne yapmam", r"var mi",
    ),
    wh=(
        r"nasil", r"ne zaman", r"nerede", r"nerde", r"kac", r"neden", r"niye", r"hangi",
        r"ne kadar", r"ne yapmam",
    ),
    ask_slots=(r"baska hangi", r"bos (?:sat|gun)\w*", r"musait (?:sat|gun)\w*"),
    confused=(
        r"randevu almadim", r"randevu aldigimi hatirlamiyorum", r"\w+ saniyordum",
    ),
    question_anywhere=(
        r"m[iu](?:yim|yiz|sin|siniz|sunuz|yum|yuz|dir|ydi|ymis|yd[iu]k)?[ .!]*$", r"m[iu] acaba",
        r"acaba",
    ),
    conditional=(
        r"eger", r"\w{3,}(?:rsam|rsem|zsam|zsem|rsa|rse|ysam|ysem|ysa|yse|zsa|zse)", r"durumunda",
        r"halinde", r"olursa", r"gerekirse",
    ),
    complaint=(
        r"gecen sefer\w*", r"gecen (?:sefer|kez)", r"hic hos degil", r"kabul edilemez",
        r"sikayet\w*", r"\d+ (?:dk|dakika) bekledim",
    ),
    take=(
        r"alirim", r"aliyorum", r"alayim", r"isterim", r"istiyorum", r"uygun\w*", r"uyar",
        r"ayir\w*", r"rezerv\w*", r"yazin", r"yazar misiniz", r"kaydedin", r"gelirim",
        r"geliyorum", r"tamamdir", r"olur", r"lutfen",
    ),
    pass_on=(
        r"uymuyor", r"uygun degil\w*", r"olmaz", r"gelemem", r"gelemiyorum", r"almayayim",
        r"istemiyorum", r"o saat\w* (?:olmaz|gelemem|musait degil\w*)", r"musait degil\w*",
        r"gerek yok", r"kalsin",
    ),
    sooner=(r"daha erken", r"erken\w*", r"daha once", r"daha yakin"),
    openings=(
        r"var ?mi", r"varsa", r"yer", r"bos", r"saat", r"haber ver\w*", r"alabilir\w*",
        r"mumkun", r"olur mu", r"olabilir", r"musait", r"acilirsa", r"cikarsa",
    ),
    leave_list=(
        r"(?:listeden|bekleme listesinden) (?:cikar\w*|sil\w*)", r"beni (?:cikar\w*|sil\w*)",
        r"artik gerek (?:yok|kalmadi)", r"gerek kalmadi", r"artik istemiyorum",
        r"istemiyorum artik", r"bekleme listesi\w* (?:iptal|sil)\w*",
    ),
    names_booking=(r"iptal\w*", r"randevum\w*", r"randevu\w* (?:iptal|sil)\w*"),
    today=(r"bugun\w*",),
    tomorrow=(r"yarin\w*",),
    after_tomorrow=(r"obur ?gun\w*", r"yarindan sonra"),
    weekdays=(
        (r"pazartesi\w*",),
        (r"sali\w*",),
        (r"carsamba\w*",),
        (r"persembe\w*",),
        (r"cuma(?!rtesi)\w*",),
        (r"cumartesi\w*",),
        (r"pazar(?!tesi)\w*",),
    ),
    keep_booking=(
        r"randevu\w* kalsin", r"randevu\w* (?:koru\w*|degistirme\w*)", r"mevcut randevu\w*",
        r"kendi saatim\w*",
    ),
    day_parts=(
        (r"sabah\w*", r"ogleden once"),
        (r"ogleden sonra\w*", r"ogle sonrasi\w*"),
        (r"aksam\w*", r"is cikisi\w*", r"isten sonra"),
    ),
    months=(
        r"ocak\w*", r"subat\w*", r"mart\w*", r"nisan\w*", r"mayis\w*", r"haziran\w*", r"temmuz\w*",
        r"agustos\w*", r"eylul\w*", r"ekim\w*", r"kasim\w*", r"aralik\w*",
    ),
    next_week_day=(r"haftaya", r"gelecek hafta(?:ki)?", r"onumuzdeki"),
    same_time=(r"ayni sat\w*", r"ayni zamanda", r"konustugumuz sat\w*"),
    next_day=(r"ertesi gun\w*", r"bir gun sonra\w*"),
    from_today=(r"bugunden (?:itibaren|sonra)",),
    replaced=(
        r"\w+ yerine", r"baska (?:bir )?(?:gun|sat|zaman)\w*", r"\d{1,2}'?(?:te|ta|de|da) degil",
        r"\d{1,2}'?(?:den|dan|ten|tan)(?= \d)",
    ),
    later=(r"sonraya", r"sonrasi\w*", r"ileri\w*", r"sonrya", r"kaydir\w*"),
    earlier=(r"once\w*", r"erken\w*", r"one\w*"),
    instead=(r"yerine",),
    hour=r"sat\w*",
    minute=r"dakika\w*|dk",
    day=r"gun\w*",
    week=r"hafta\w*",
    after=r"sonra(?!ya|si)",
    numbers={
        "bir": 1,
        "bi": 1,
        "iki": 2,
        "uc": 3,
        "dort": 4,
        "bes": 5,
        "on": 10,
        "on bes": 15,
        "yirmi": 20,
        "otuz": 30,
        "yarim": 0,
    },
    ordinal=r"(?:ayin )?(\d{1,2})'?(?:si|sinde|inde|sine|ine|sin[ae]|une|una|ina|i|u)",
)
# fmt: on
