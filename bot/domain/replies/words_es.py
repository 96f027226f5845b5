"""Spanish, as written in Spain and in Latin America."""

from __future__ import annotations

from bot.domain.replies.lexicon import Words

_VOY = r"(?:voy|vo[iy]|ire|podre|puedo|pueda|llego|llegare|asistire|vamos|vendre|podemos|podria)"

# a word table: several words to a line reads better than one per line
# fmt: off
SPANISH = Words(
    common=(
        r"gracias", r"hola", r"por favor", r"porfa", r"perdon", r"perdona", r"disculpa", r"buenas",
        r"buenos dias", r"que", r"mi", r"la", r"el", r"de", r"cita", r"turno", r"hora",
        r"lo siento", r"muchas", r"estoy", r"tengo", r"pelo", r"para", r"con", r"esta", r"una",
        r"los", r"las", r"del", r"es", r"mas", r"tiempo", r"minutos?", r"ahora", r"todavia",
        r"nada", r"tambien", r"pero", r"y", r"mejor", r"vez",
    ),
    noise=(
        r"(?:perdon|disculpa|disculpe|perdona|sorry) (?:por|la) (?:la )?(?:demora|tardanza|"
        r"responder tarde|contestar tarde)", r"si es posible", r"si se puede", r"si puede",
        r"si no es molestia", r"si hay (?:lugar|hueco|espacio|turno)",
        r"(?:perdon|perdona|disculpa)? ?por avisar tan tarde", r"si te parece",
        r"no,? no se me olvido", r"hola,? que tal",
    ),
    not_reschedule=(
        r"no hace falta (?:cambiar|reprogramar|buscar otro dia|mover)\w*",
        r"no (?:quiero|necesito) (?:cambiar|reprogramar)\w*", r"no lo cambieis",
        r"cambie de (?:opinion|idea)", r"cambiar de (?:estilista|peluquer\w*|profesional)",
        r"no la cambies", r"ya (?:te )?(?:llamo|escribo) (?:yo )?para (?:otra|pedir)",
        r"(?:ya )?pido otra (?:cita|hora) (?:mas adelante|luego|despues)",
    ),
    positive=(
        r"sin problemas?", r"no te preocupes", r"no se preocupe", r"no hay problema",
        r"no (?:lo |la )?(?:cancele\w*|cancel\w*|anul\w*)", r"no hace falta cancelar",
        r"no me lo pierdo", r"no me la pierdo", r"no faltare", r"no voy a faltar",
        r"no puedo no ir", r"no puedo faltar",
        r"no (?:me )?(?:lo |la )?puedo perder",
        r"no (?:voy a )?lleg\w* tarde", r"no (?:me )?olvid\w*", r"ni loca?",
        r"por nada del mundo", r"no hay forma de que falte",
        r"de ninguna manera (?:voy a )?falt\w*", r"no lo cambieis",
    ),
    late=(
        r"(?:lego|legare|legar|voy|ire|vamos|legamos|estare)\b(?:\s+\w+){0,4}\s+(?:tarde|tadre)",
        r"retras\w*", r"atrasad\w*", r"me atraso", r"demoro", r"tardare", r"unos minutos tarde",
        r"demorad\w*", r"voy con retraso", r"\d+ (?:min|minutos|minutitos|minutilos) tarde",
        r"\d+ tarde", r"lelgo", r"(?:cinco|diez|quince|veinte) (?:min\w*) tarde",
    ),
    reschedule=(
        r"cambiar\w*", r"cambio (?:de )?(?:la )?(?:hora|dia|fecha|cita|turno)", r"reprogram\w*",
        r"reagend\w*", r"otro dia", r"otra hora", r"otro momento", r"otro horario", r"otra fecha",
        r"otros horarios", r"pasarla", r"pasarlo", r"(?:me )?la pasas", r"mover\w*", r"moverla",
        r"posponer\w*", r"aplazar\w*", r"atrasar\w*", r"adelantar\w*", r"cambias",
        r"correr (?:la|el) (?:cita|turno)",
        r"(?:una|media|\d+|dos) (?:hora|horas|minutos|dias?) (?:mas tarde|despues)",
        r"un dia despues", r"esa hora no me va", r"prefiero otro",
    ),
    proposal=(
        r"puede ser", r"se puede", r"podemos", r"podria", r"podrias", r"que tal",
        r"semana que viene", r"proxima semana", r"hay (?:lugar|hueco|turno|disponib\w*)",
        r"tienen? (?:lugar|hueco|turno)", r"mejor", r"seria genial", r"solo puedo",
        r"lo (?:mas pronto|antes) que puedo", r"me va mejor",
    ),
    later_period=(r"semana que viene", r"proxima semana", r"la otra semana"),
    doubt=(
        r"quizas?", r"tal vez", r"no se", r"no lo se", r"no estoy segur\w*", r"ya vere\w*",
        r"a lo mejor", r"capaz", r"intentare", r"lo intento", r"creo que si", r"no creo",
        r"probablemente", r"lo pienso", r"ya (?:os|te) digo", r"te (?:digo|aviso|confirmo)",
        r"(?:luego|despues|manana) te confirmo", r"no me acuerdo", r"en principio", r"salvo que",
    ),
    cancel=(
        rf"no {_VOY}",
        r"no (?:voy a|vamos a) (?:poder|ir|llegar|asistir)", r"no podre", r"no puedo", r"no ire",
        r"no asistire", r"no alcanzo", r"no lego", r"no podemos", r"no va a poder ser",
        r"no va a ser posible", r"imposible", r"cancel\w*", r"anul\w*", r"no cuenten conmigo",
        r"desisto", r"no vamos", r"no me va a dar tiempo", r"no me da tiempo",
    ),
    cancel_request=(
        r"cancel(?:a|e|en|ar|arla|ala|elo|enla|ame|ela)(?: mi| la| el)?",
        r"(?:puede|pueden|podria|podrian|puedes) (?:cancelar|anular)", r"quiero cancelar",
        r"necesito cancelar", r"anula(?:la|lo|r)?", r"tengo que cancelar",
    ),
    cancel_ask=(
        r"(?:puede|pueden|podria|podrian|puedes|podrias|me puedes|me podrias) "
        r"(?:cancelar|anular)\w*", r"cancel(?:a|e|en|ela|enla|ala|ame|amela)(?: mi| la| el)?",
    ),
    no=(r"no", r"nop", r"nel", r"n"),
    confirm_strong=(
        r"alli estare", r"ahi estare", r"ahi estamos", r"alli estaremos", r"nos vemos", r"voy",
        r"ire", r"asistire", r"cuenta conmigo", r"cuenten conmigo", r"lego", r"estare", r"vamos",
        r"voy a ir", r"sigue en pie", r"hasta manana", r"tengo (?:muchas )?ganas",
        r"alli nos vemos",
    ),
    confirm_weak=(
        r"si_?", r"sip", r"vale", r"claro", r"perfecto", r"de acuerdo", r"ok", r"okey", r"okay",
        r"dale", r"listo", r"genial", r"por supuesto", r"obvio", r"seguro", r"confirm\w*", r"va",
        r"bueno", r"esta bien", r"s", r"okis", r"sale", r"hasta luego", r"desde luego",
        r"confirmad[oa]",
    ),
    question=(
        r"como", r"que", r"cuanto", r"cuanta", r"donde", r"cuando", r"quien", r"por que", r"hay",
        r"se cobra", r"cobran", r"que pasa si",
    ),
    wh=(
        r"como", r"que(?! tal)", r"cuanto", r"cuanta", r"donde", r"cuando", r"quien", r"por que",
        r"cual",
    ),
    ask_slots=(
        r"otros horarios", r"otro (?:dia|horario)", r"(?:horarios|huecos) (?:libres|tienen)",
    ),
    confused=(
        r"pensaba que (?:era|la cita)", r"no me acuerdo de haber", r"yo no (?:pedi|reserve)",
    ),
    surely_late=(r"no hay (?:manera|forma) de no legar tarde",),
    conditional=(
        r"si (?!(?:claro|vale|gracias|perfecto|ok|okey|obvio|seguro|por supuesto|"
        r"de acuerdo|ali|ahi|confirmo|nos vemos)\b)\w+(?:[^,.!?]*,|(?: \w+){2,})", r"en caso de",
        r"por si", r"por si acaso", r"en caso", r"suponiendo", r"salvo que",
    ),
    complaint=(
        r"la ultima vez", r"la vez pasada", r"como la ultima", r"no esta bien", r"inaceptable",
        r"una verguenza", r"queja\w*", r"espere \d+ minutos",
    ),
    take=(
        r"lo quiero", r"la quiero", r"me lo quedo", r"me la quedo", r"me lo pido", r"me la pido",
        r"reserva\w*", r"apunta\w*", r"agenda\w*", r"me viene (?:bien|genial|perfecto)",
        r"me va bien", r"me sirve", r"me encaja", r"perfecto", r"genial", r"claro que si_?",
        r"dale", r"porfa", r"por favor", r"me apunto", r"voy",
    ),
    pass_on=(
        r"no me viene(?: bien)?", r"no me va(?: bien)?", r"no me sirve", r"no me encaja",
        r"(?:a )?esa hora no", r"no puedo(?: a esa hora| ese dia)?", r"mejor no", r"no gracias",
        r"paso", r"no la quiero", r"no lo quiero", r"imposible", r"(?:uf|uy|ay|pues) no",
    ),
    sooner=(r"antes", r"mas pronto", r"mas temprano", r"adelant\w*", r"mas cerca"),
    openings=(
        r"hay", r"habra", r"hueco\w*", r"algo", r"tienes", r"teneis", r"tiene\w*", r"queda\w*",
        r"libre\w*", r"plaza\w*", r"sitio", r"avisa\w*", r"avisad\w*", r"sale", r"se libera\w*",
        r"puedo", r"podria\w*", r"posible", r"disponib\w*", r"cita",
    ),
    leave_list=(
        r"ya no (?:lo |la |me )?(?:necesito|hace falta|quiero|interesa)",
        r"no (?:lo |la )?necesito ya", r"ya no es necesario",
        r"(?:sacame|quitame|borrame|eliminame|sacadme|quitadme|borradme)",
        r"(?:de|fuera de) la lista(?: de espera)?",
    ),
    names_booking=(
        r"cancel\w*", r"anul\w*", r"mi (?:cita|reserva|turno|hora)", r"la cita de",
        r"cita de (?:manana|hoy|el \w+)",
    ),
    keep_booking=(
        r"me quedo con (?:mi|la) (?:cita|hora|reserva)",
        r"(?:dejo|mantengo) (?:mi|la) (?:cita|hora)",
        r"(?:deja|dejad|deje|mant[ei]n\w*) (?:mi|la) (?:cita|hora)(?: como esta)?",
    ),
    today=(r"hoy",),
    tomorrow=(r"(?<!la )(?<!pasado )manana",),
    after_tomorrow=(r"pasado manana",),
    weekdays=(
        (r"lunes",),
        (r"martes",),
        (r"miercoles",),
        (r"jueves",),
        (r"viernes",),
        (r"sabado",),
        (r"domingo",),
    ),
    day_parts=(
        (r"(?:por|en|a) la manana", r"de manana temprano", r"antes de (?:comer|mediodia)"),
        (r"(?:por|en|a) la tarde", r"de tarde", r"despues de (?:comer|mediodia)"),
        (r"(?:por|en|a) la noche", r"de noche", r"esta noche", r"al salir del trabajo"),
    ),
    months=(
        r"enero", r"febrero", r"marzo", r"abril", r"mayo", r"junio", r"julio", r"agosto",
        r"septiembre|setiembre", r"octubre", r"noviembre", r"diciembre",
    ),
    next_week_day=(r"(?:el )?proximo", r"(?:el )?otro", r"de la semana que viene"),
    same_time=(r"(?:a )?la misma hora", r"mismo horario", r"misma hora"),
    next_day=(r"(?:al |el )?dia siguiente", r"(?:al |el )?dia despues"),
    from_today=(r"desde hoy", r"a partir de hoy"),
    replaced=(
        r"en (?:vez|lugar) de (?:el |la |las |los )?\w+", r"de las \d{1,2}(?= a las)", r"otro dia",
        r"otra hora", r"no a las \d{1,2}",
    ),
    later=(r"mas tarde", r"despues", r"atras\w*", r"retras\w*", r"mover\w*", r"tadre"),
    earlier=(r"antes", r"mas temprano", r"adelant\w*"),
    instead=(r"en (?:su )?lugar", r"en vez"),
    hour=r"horas?|hs?",
    minute=r"minutos?|min|minutitos|minutilos",
    day=r"dias?",
    week=r"semanas?",
    in_=r"en|dentro de",
    numbers={
        "un": 1,
        "una": 1,
        "dos": 2,
        "tres": 3,
        "cuatro": 4,
        "cinco": 5,
        "diez": 10,
        "quince": 15,
        "veinte": 20,
        "treinta": 30,
        "media": 0,
    },
    ordinal=r"(?:el (?:dia )?|para el |del |al )(\d{1,2})(?! ?(?:de la|:|\.|h|hs|am|pm|min))",
)
# fmt: on
