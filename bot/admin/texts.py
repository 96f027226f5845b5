"""What admins read, in the salon's language (``SHOWUP_LOCALE``): the board, the commands'
answers and refusals, the forwarded inbox, the arrival prompts. A ledger error with a ``code``
is worded here (``error.<code>``); one without keeps its English wording."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

from bot.domain.locales import SUPPORTED_LOCALES

# fmt: off
MESSAGES: dict[str, dict[str, str]] = {
    # the board
    "board.count": {"en": "{heading} — {n} appointment(s)", "ru": "{heading} — записей: {n}", "es": "{heading} — {n} cita(s)", "tr": "{heading} — {n} randevu"},
    "board.empty": {"en": "Nothing booked.", "ru": "Записей нет.", "es": "No hay citas.", "tr": "Randevu yok."},
    "board.today": {"en": "Today, {day}", "ru": "Сегодня, {day}", "es": "Hoy, {day}", "tr": "Bugün, {day}"},
    "board.tomorrow": {"en": "Tomorrow, {day}", "ru": "Завтра, {day}", "es": "Mañana, {day}", "tr": "Yarın, {day}"},
    "board.morning": {"en": "Good morning! {day}", "ru": "Доброе утро! {day}", "es": "¡Buenos días! {day}", "tr": "Günaydın! {day}"},
    "board.waiting": {"en": "Not confirmed yet ({n}):", "ru": "Ещё не подтвердили ({n}):", "es": "Sin confirmar todavía ({n}):", "tr": "Henüz onaylamayanlar ({n}):"},
    "label.awaiting answer": {"en": "awaiting answer", "ru": "ждём ответа", "es": "esperando respuesta", "tr": "yanıt bekleniyor"},
    "label.no answer to the reminder": {"en": "no answer to the reminder", "ru": "нет ответа на напоминание", "es": "sin respuesta al recordatorio", "tr": "hatırlatmaya yanıt yok"},
    "label.confirmed": {"en": "confirmed", "ru": "подтвердил(а)", "es": "confirmada", "tr": "onaylandı"},
    "label.running late": {"en": "running late", "ru": "опаздывает", "es": "llega tarde", "tr": "gecikiyor"},
    "label.arrived": {"en": "arrived", "ru": "пришёл(ла)", "es": "llegó", "tr": "geldi"},
    "label.completed": {"en": "completed", "ru": "визит завершён", "es": "completada", "tr": "tamamlandı"},
    "label.cancelled": {"en": "cancelled", "ru": "отменена", "es": "cancelada", "tr": "iptal"},
    "label.cancelled late": {"en": "cancelled late", "ru": "поздняя отмена", "es": "cancelación tardía", "tr": "geç iptal"},
    "label.no-show": {"en": "no-show", "ru": "неявка", "es": "no se presentó", "tr": "gelmedi"},
    "label.reschedule requested": {"en": "asks to reschedule", "ru": "просит перенести", "es": "pide cambiar la cita", "tr": "randevuyu ertelemek istiyor"},
    "extra.proposed": {"en": "proposes {amount}", "ru": "предлагает {amount}", "es": "propone {amount}", "tr": "önerdiği zaman: {amount}"},
    "extra.rebook": {"en": "🔁 asks for a new time", "ru": "🔁 просит записать на другое время", "es": "🔁 pide otra hora", "tr": "🔁 yeni bir saat istiyor"},
    "extra.deposit": {"en": "💰 deposit {amount}", "ru": "💰 предоплата {amount}", "es": "💰 depósito {amount}", "tr": "💰 kapora {amount}"},
    "extra.double": {"en": "double price (last visit missed)", "ru": "двойная цена (прошлый визит пропущен)", "es": "precio doble (faltó a la última cita)", "tr": "çift ücret (son randevuya gelmedi)"},
    "extra.excused": {"en": "excused: illness or emergency", "ru": "по уважительной причине: болезнь или форс-мажор", "es": "justificada: enfermedad o imprevisto", "tr": "mazeretli: hastalık veya acil durum"},
    "extra.read": {"en": "👁 read", "ru": "👁 прочитано", "es": "👁 leído", "tr": "👁 okundu"},
    # commands
    "unknown": {"en": "Unknown command /{command}.", "ru": "Неизвестная команда /{command}.", "es": "Comando desconocido /{command}.", "tr": "Bilinmeyen komut /{command}."},
    "day.usage": {"en": "/day needs a date written YYYY-MM-DD, e.g. /day {today}", "ru": "/day ждёт дату в виде ГГГГ-ММ-ДД, например /day {today}", "es": "/day necesita una fecha AAAA-MM-DD, p. ej. /day {today}", "tr": "/day YYYY-AA-GG biçiminde bir tarih ister, ör. /day {today}"},
    "noshows.usage": {"en": "/noshows takes a number of days between 1 and 365, e.g. /noshows 30", "ru": "/noshows принимает число дней от 1 до 365, например /noshows 30", "es": "/noshows admite un número de días entre 1 y 365, p. ej. /noshows 30", "tr": "/noshows 1 ile 365 arasında gün sayısı alır, ör. /noshows 30"},
    "client.usage": {"en": "/client needs a name or a phone number, e.g. /client Anna", "ru": "/client ждёт имя или телефон, например /client Анна", "es": "/client necesita un nombre o un teléfono, p. ej. /client Ana", "tr": "/client bir ad veya telefon ister, ör. /client Ayşe"},
    "client.none": {"en": "No client matches {query!r}.", "ru": "Нет клиентов по запросу {query!r}.", "es": "Ningún cliente coincide con {query!r}.", "tr": "{query!r} ile eşleşen müşteri yok."},
    "client.many": {"en": "{n} clients match:", "ru": "Найдено клиентов: {n}", "es": "Coinciden {n} clientes:", "tr": "{n} müşteri eşleşti:"},
    "client.more": {"en": "More than 10", "ru": "больше 10", "es": "Más de 10", "tr": "10'dan fazla"},
    "client.narrow": {"en": "Narrow it down: /client <full name or phone>", "ru": "Уточните: /client <полное имя или телефон>", "es": "Precisa: /client <nombre completo o teléfono>", "tr": "Daraltın: /client <tam ad veya telefon>"},
    "card.phone": {"en": "Phone: {phone} · language: {language}", "ru": "Телефон: {phone} · язык: {language}", "es": "Teléfono: {phone} · idioma: {language}", "tr": "Telefon: {phone} · dil: {language}"},
    "card.default_language": {"en": "salon default", "ru": "как у салона", "es": "el del salón", "tr": "salonunki"},
    "card.messengers": {"en": "Messengers: {channels}", "ru": "Мессенджеры: {channels}", "es": "Mensajería: {channels}", "tr": "Mesajlaşma: {channels}"},
    "card.none_linked": {"en": "none linked", "ru": "не привязаны", "es": "ninguna vinculada", "tr": "bağlı değil"},
    "card.unreachable": {"en": " (unreachable)", "ru": " (недоступен)", "es": " (inaccesible)", "tr": " (ulaşılamıyor)"},
    "card.blocked": {"en": "⛔ Blocked: {reason}", "ru": "⛔ Заблокирован(а): {reason}", "es": "⛔ Bloqueado/a: {reason}", "tr": "⛔ Engelli: {reason}"},
    "card.no_reason": {"en": "no reason given", "ru": "причина не указана", "es": "sin motivo", "tr": "sebep belirtilmedi"},
    "card.rules": {"en": "Accepted the rules on {day}", "ru": "Принял(а) правила {day}", "es": "Aceptó las normas el {day}", "tr": "Kuralları kabul etti: {day}"},
    "card.attendance": {"en": "Attendance: {summary}", "ru": "Посещаемость: {summary}", "es": "Asistencia: {summary}", "tr": "Katılım: {summary}"},
    "card.no_visits": {"en": "no visits", "ru": "визитов нет", "es": "sin visitas", "tr": "ziyaret yok"},
    "card.earlier": {"en": "…and {n} earlier", "ru": "…и ещё {n} раньше", "es": "…y {n} anteriores", "tr": "…ve {n} önceki"},
    "marked": {"en": "{what}: now {status}.", "ru": "{what}: теперь «{status}».", "es": "{what}: ahora {status}.", "tr": "{what}: artık {status}."},
    "cancelled": {"en": "{what}: cancelled. Its reminders will not be sent.", "ru": "{what}: отменена. Напоминания не уйдут.", "es": "{what}: cancelada. No se enviarán sus recordatorios.", "tr": "{what}: iptal edildi. Hatırlatmaları gönderilmeyecek."},
    "booked": {"en": "Booked {what}{note}.{linked}", "ru": "Записано: {what}{note}.{linked}", "es": "Reservado: {what}{note}.{linked}", "tr": "Randevu alındı: {what}{note}.{linked}"},
    "booked.new": {"en": " (new client)", "ru": " (новый клиент)", "es": " (cliente nuevo)", "tr": " (yeni müşteri)"},
    "booked.unlinked": {"en": " The client has no messenger linked yet: send them their link (showup link).", "ru": " У клиента ещё нет мессенджера: отправьте ему ссылку (showup link).", "es": " El cliente aún no tiene mensajería vinculada: envíale su enlace (showup link).", "tr": " Müşterinin bağlı mesajlaşması yok: bağlantısını gönderin (showup link)."},
    "late": {"en": "{what}: running late; I'll ask again in 15 minutes.", "ru": "{what}: опаздывает; спрошу снова через 15 минут.", "es": "{what}: llega tarde; vuelvo a preguntar en 15 minutos.", "tr": "{what}: gecikiyor; 15 dakika sonra tekrar soracağım."},
    "strikes.head": {"en": "{name} (id {id}): {strikes} active strike(s) — {rung}", "ru": "{name} (id {id}): активных нарушений {strikes} — {rung}", "es": "{name} (id {id}): {strikes} falta(s) activa(s) — {rung}", "tr": "{name} (id {id}): {strikes} aktif ihlal — {rung}"},
    "strikes.ladder": {"en": "Ladder: warning at {warning}, deposit at {deposit}, block at {block}; strikes expire after {days} days without a new one.", "ru": "Шкала: предупреждение с {warning}, предоплата с {deposit}, блокировка с {block}; нарушения сгорают через {days} дн. без новых.", "es": "Escala: aviso con {warning}, depósito con {deposit}, bloqueo con {block}; las faltas caducan tras {days} días sin otra.", "tr": "Basamaklar: {warning} uyarı, {deposit} kapora, {block} engel; {days} gün yeni ihlal olmazsa silinir."},
    "strikes.reward": {"en": "🎁 Loyalty discount waiting: {discount}", "ru": "🎁 Ждёт скидка за верность: {discount}", "es": "🎁 Descuento de fidelidad pendiente: {discount}", "tr": "🎁 Bekleyen sadakat indirimi: {discount}"},
    "strikes.clean": {"en": "No missed visits or late cancellations on record.", "ru": "Пропусков и поздних отмен нет.", "es": "Sin ausencias ni cancelaciones tardías.", "tr": "Kaçırılan randevu veya geç iptal yok."},
    "rung.0": {"en": "in good standing", "ru": "всё в порядке", "es": "sin incidencias", "tr": "sorun yok"},
    "rung.1": {"en": "warned", "ru": "предупреждён(а)", "es": "avisado/a", "tr": "uyarıldı"},
    "rung.2": {"en": "deposit required", "ru": "нужна предоплата", "es": "depósito obligatorio", "tr": "kapora gerekli"},
    "rung.3": {"en": "blocked", "ru": "заблокирован(а)", "es": "bloqueado/a", "tr": "engelli"},
    "override.forgive": {"en": "{name} (id {id}): strikes wiped. Recorded with your name.", "ru": "{name} (id {id}): нарушения сняты. Записано с вашим именем.", "es": "{name} (id {id}): faltas borradas. Queda registrado a tu nombre.", "tr": "{name} (id {id}): ihlaller silindi. Adınızla kaydedildi."},
    "override.block": {"en": "{name} (id {id}): blocked: new bookings are refused. Recorded with your name.", "ru": "{name} (id {id}): заблокирован(а), новые записи не принимаются. Записано с вашим именем.", "es": "{name} (id {id}): bloqueado/a, no se aceptan nuevas reservas. Queda registrado a tu nombre.", "tr": "{name} (id {id}): engellendi, yeni randevu alınmaz. Adınızla kaydedildi."},
    "override.unblock": {"en": "{name} (id {id}): unblocked: bookings are accepted again. Recorded with your name.", "ru": "{name} (id {id}): разблокирован(а), записи снова принимаются. Записано с вашим именем.", "es": "{name} (id {id}): desbloqueado/a, se aceptan reservas de nuevo. Queda registrado a tu nombre.", "tr": "{name} (id {id}): engel kalktı, randevu yeniden alınır. Adınızla kaydedildi."},
    # the no-show report
    "report.head": {"en": "No-shows in the last {days} day(s): {missed} of {total} appointments ({rate}); late cancellations: {late} ({late_rate})", "ru": "Неявки за {days} дн.: {missed} из {total} записей ({rate}); поздние отмены: {late} ({late_rate})", "es": "Ausencias en los últimos {days} día(s): {missed} de {total} citas ({rate}); cancelaciones tardías: {late} ({late_rate})", "tr": "Son {days} günde gelmeyenler: {total} randevudan {missed} ({rate}); geç iptaller: {late} ({late_rate})"},
    "report.excused": {"en": ", {n} excused (illness or emergency)", "ru": ", из них по уважительной причине: {n}", "es": ", {n} justificada(s) (enfermedad o imprevisto)", "tr": ", {n} mazeretli (hastalık veya acil durum)"},
    "report.why": {"en": "Why: {reasons}", "ru": "Причины: {reasons}", "es": "Motivos: {reasons}", "tr": "Nedenler: {reasons}"},
    "report.unexplained": {"en": "no explanation {n}", "ru": "без объяснения {n}", "es": "sin explicación {n}", "tr": "açıklamasız {n}"},
    "report.strikes": {"en": "strikes {n}", "ru": "нарушений {n}", "es": "faltas {n}", "tr": "ihlal {n}"},
    "state.none": {"en": "no follow-up (marked without the policy)", "ru": "без уточнения (отмечено вне правил)", "es": "sin seguimiento (marcada sin la política)", "tr": "takip yok (politika dışında işaretlendi)"},
    "state.answered": {"en": "answered: {reason} — “{answer}” ({decision})", "ru": "ответ: {reason} — «{answer}» ({decision})", "es": "respondió: {reason} — «{answer}» ({decision})", "tr": "yanıt: {reason} — “{answer}” ({decision})"},
    "state.deadline": {"en": "no answer by the deadline (strike)", "ru": "нет ответа к сроку (нарушение)", "es": "sin respuesta en plazo (falta)", "tr": "süresinde yanıt yok (ihlal)"},
    "state.waiting": {"en": "asked, waiting for an answer", "ru": "спросили, ждём ответа", "es": "preguntado, esperando respuesta", "tr": "soruldu, yanıt bekleniyor"},
    "decision.forgiven": {"en": "forgiven", "ru": "прощено", "es": "perdonada", "tr": "affedildi"},
    "decision.strike": {"en": "strike", "ru": "нарушение", "es": "falta", "tr": "ihlal"},
    "reason.forgot": {"en": "forgot", "ru": "забыл(а)", "es": "se olvidó", "tr": "unuttu"},
    "reason.plans_changed": {"en": "plans changed", "ru": "изменились планы", "es": "cambio de planes", "tr": "planlar değişti"},
    "reason.illness": {"en": "illness or emergency", "ru": "болезнь или ЧП", "es": "enfermedad o urgencia", "tr": "hastalık veya acil durum"},
    "reason.transport": {"en": "transport", "ru": "транспорт", "es": "transporte", "tr": "ulaşım"},
    "reason.other": {"en": "other", "ru": "другое", "es": "otro", "tr": "diğer"},
    # the inbox relay and the arrival prompt
    "kind.other": {"en": "💬 Message", "ru": "💬 Сообщение", "es": "💬 Mensaje", "tr": "💬 Mesaj"},
    "kind.reschedule_request": {"en": "🔁 Reschedule request", "ru": "🔁 Просьба перенести", "es": "🔁 Petición de cambio", "tr": "🔁 Erteleme isteği"},
    "kind.running_late": {"en": "🏃 Running late", "ru": "🏃 Опаздывает", "es": "🏃 Llega tarde", "tr": "🏃 Gecikiyor"},
    "kind.new_client": {"en": "👋 New person", "ru": "👋 Новый человек", "es": "👋 Persona nueva", "tr": "👋 Yeni kişi"},
    "kind.noshow_reason": {"en": "🚫 No-show explained", "ru": "🚫 Объяснение неявки", "es": "🚫 Ausencia explicada", "tr": "🚫 Gelmeme açıklaması"},
    "relay.from": {"en": "{title} from {name}{phone} · {channel}", "ru": "{title}: {name}{phone} · {channel}", "es": "{title} de {name}{phone} · {channel}", "tr": "{title}: {name}{phone} · {channel}"},
    "relay.next": {"en": "Next: {when} {service} with {master} · #{id}", "ru": "Ближайшая запись: {when} {service}, мастер {master} · #{id}", "es": "Próxima: {when} {service} con {master} · #{id}", "tr": "Sıradaki: {when} {service}, {master} · #{id}"},
    "relay.nothing": {"en": "No upcoming appointment.", "ru": "Предстоящих записей нет.", "es": "Sin citas próximas.", "tr": "Yaklaşan randevu yok."},
    "relay.proposes": {"en": "Proposes: {when}", "ru": "Предлагает: {when}", "es": "Propone: {when}", "tr": "Önerisi: {when}"},
    "relay.reply": {"en": "↩️ Reply to this message to answer {name}.", "ru": "↩️ Ответьте на это сообщение, и ответ получит клиент: {name}.", "es": "↩️ Responde a este mensaje para contestar a {name}.", "tr": "↩️ {name} adlı kişiye yanıt için bu mesajı yanıtlayın."},
    "relay.cut": {"en": "✂️ … {n} more characters not shown (the message has {total}).", "ru": "✂️ … ещё {n} симв. не показано (всего в сообщении {total}).", "es": "✂️ … no se muestran {n} caracteres más (el mensaje tiene {total}).", "tr": "✂️ … {n} karakter daha gösterilmiyor (mesajın tamamı {total} karakter)."},
    "relay.failed": {"en": "A message from {name} ({channel}, {when}) could not be forwarded to you after {attempts} attempts: {error}. It is listed in the morning digest.", "ru": "Не удалось переслать вам сообщение ({name}, {channel}, {when}), попыток: {attempts}; ошибка: {error}. Оно будет в утренней сводке.", "es": "No se pudo reenviarte un mensaje de {name} ({channel}, {when}) tras {attempts} intentos: {error}. Aparece en el resumen de la mañana.", "tr": "{name} kişisinden gelen mesaj ({channel}, {when}) {attempts} denemeden sonra size iletilemedi: {error}. Sabah özetinde yer alacak."},
    "inbound.parked": {"en": "A {channel} message from {sender} (received {when}) could not be handled after {attempts} attempt(s) and was set aside: {error}. It is kept: `showup inbox-queue --retry {id}` tries it again.", "ru": "Сообщение в {channel} от {sender} (получено {when}) не удалось обработать за {attempts} попыт. и оно отложено: {error}. Оно сохранено: `showup inbox-queue --retry {id}` попробует снова.", "es": "Un mensaje de {channel} de {sender} (recibido {when}) no se pudo procesar tras {attempts} intento(s) y quedó apartado: {error}. Se conserva: `showup inbox-queue --retry {id}` lo intenta de nuevo.", "tr": "{channel} üzerinden {sender} kaynağından gelen mesaj ({when} alındı) {attempts} denemede işlenemedi ve kenara alındı: {error}. Mesaj saklanıyor: `showup inbox-queue --retry {id}` yeniden dener."},
    "digest.unforwarded": {"en": "⚠️ {n} client message(s) could not be forwarded:", "ru": "⚠️ Не удалось переслать сообщений клиентов: {n}", "es": "⚠️ No se pudieron reenviar {n} mensaje(s) de clientes:", "tr": "⚠️ {n} müşteri mesajı iletilemedi:"},
    "digest.unforwarded_item": {"en": "• {when} · {name} · {channel}: “{excerpt}”", "ru": "• {when} · {name} · {channel}: «{excerpt}»", "es": "• {when} · {name} · {channel}: «{excerpt}»", "tr": "• {when} · {name} · {channel}: “{excerpt}”"},
    "prompt": {"en": "⏰ {name} {phone} was due at {time} ({service} with {master}, #{id}) and is not marked arrived. Did they come?", "ru": "⏰ {name} {phone} был(а) записан(а) на {time} ({service}, мастер {master}, #{id}) и не отмечен(а) пришедшим(ей). Клиент пришёл?", "es": "⏰ {name} {phone} tenía cita a las {time} ({service} con {master}, #{id}) y no consta que haya llegado. ¿Vino?", "tr": "⏰ {name} {phone} saat {time} randevusu vardı ({service}, {master}, #{id}) ve geldi olarak işaretlenmedi. Geldi mi?"},
    "prompt.arrived": {"en": "Arrived", "ru": "Пришёл", "es": "Llegó", "tr": "Geldi"},
    "prompt.noshow": {"en": "No-show", "ru": "Не пришёл", "es": "No vino", "tr": "Gelmedi"},
    "prompt.late": {"en": "Running late", "ru": "Опаздывает", "es": "Llega tarde", "tr": "Gecikiyor"},
    "auto_noshow": {"en": "🚫 #{id} {name} marked a no-show automatically (no answer to the prompt).", "ru": "🚫 #{id} {name}: неявка отмечена автоматически (на вопрос никто не ответил).", "es": "🚫 #{id} {name}: ausencia marcada automáticamente (nadie respondió).", "tr": "🚫 #{id} {name}: yanıt gelmediği için otomatik olarak gelmedi işaretlendi."},
    # replies to admins
    "hint": {"en": "To answer a client, reply (swipe left) to the message I forwarded from them. /help lists the commands.", "ru": "Чтобы ответить клиенту, ответьте (свайп влево) на пересланное мной сообщение. /help — список команд.", "es": "Para contestar a un cliente, responde (desliza a la izquierda) al mensaje que te reenvié. /help muestra los comandos.", "tr": "Bir müşteriye yanıt vermek için ilettiğim mesajı yanıtlayın (sola kaydırın). /help komutları listeler."},
    "reply.text_only": {"en": "Only text can be passed on to a client for now.", "ru": "Пока клиенту можно передать только текст.", "es": "Por ahora solo se puede pasar texto al cliente.", "tr": "Şimdilik müşteriye yalnızca metin iletilebilir."},
    "reply.unknown": {"en": "That message is not one I forwarded from a client, so I don't know whom to answer. Reply to a forwarded client message.", "ru": "Это сообщение я не пересылал от клиента, поэтому не знаю, кому ответить. Ответьте на пересланное сообщение клиента.", "es": "Ese mensaje no es uno que te haya reenviado de un cliente, así que no sé a quién contestar. Responde a un mensaje reenviado.", "tr": "Bu mesajı bir müşteriden iletmedim, kime yanıt vereceğimi bilmiyorum. İletilmiş bir müşteri mesajını yanıtlayın."},
    "reply.nowhere": {"en": "✗ {name} has no reachable messenger I can use (linked: {linked}). Please contact them another way.", "ru": "✗ Нет доступного мессенджера: {name} (привязаны: {linked}). Свяжитесь другим способом.", "es": "✗ {name} no tiene ninguna mensajería accesible (vinculadas: {linked}). Contacta de otra forma.", "tr": "✗ {name} için ulaşılabilir bir mesajlaşma yok (bağlı: {linked}). Başka bir yolla ulaşın."},
    "reply.failed": {"en": "✗ Not delivered to {name} on {channel}: {error}", "ru": "✗ Не доставлено: {name}, {channel}: {error}", "es": "✗ No se entregó a {name} por {channel}: {error}", "tr": "✗ {name} kişisine {channel} üzerinden iletilemedi: {error}"},
    "reply.ok": {"en": "✓ Delivered to {name} on {channel}.", "ru": "✓ Доставлено: {name}, {channel}.", "es": "✓ Entregado a {name} por {channel}.", "tr": "✓ {name} kişisine {channel} üzerinden iletildi."},
    "none": {"en": "none", "ru": "нет", "es": "ninguna", "tr": "yok"},
    # how to write a command
    "usage.id": {"en": "/{command} needs an appointment number, e.g. /{command} 42", "ru": "/{command} ждёт номер записи, например /{command} 42", "es": "/{command} necesita el número de la cita, p. ej. /{command} 42", "tr": "/{command} bir randevu numarası ister, ör. /{command} 42"},
    "usage.book": {"en": "Write it on one line: /book <phone> <YYYY-MM-DD> <HH:MM> <service> / <master> [/ <new client's name>], e.g. /book +79001234567 2026-11-25 14:00 Manicure / Anna", "ru": "Одной строкой: /book <телефон> <ГГГГ-ММ-ДД> <ЧЧ:ММ> <услуга> / <мастер> [/ <имя нового клиента>], например /book +79001234567 2026-11-25 14:00 Маникюр / Анна", "es": "En una línea: /book <teléfono> <AAAA-MM-DD> <HH:MM> <servicio> / <profesional> [/ <nombre del cliente nuevo>], p. ej. /book +34600111222 2026-11-25 14:00 Manicura / Ana", "tr": "Tek satırda: /book <telefon> <YYYY-AA-GG> <SS:DD> <hizmet> / <usta> [/ <yeni müşterinin adı>], ör. /book +905321234567 2026-11-25 14:00 Manikür / Ayşe"},
    "usage.book_parts": {"en": "After the time give the service and the master, separated by /", "ru": "После времени укажите услугу и мастера через /", "es": "Después de la hora indica el servicio y el/la profesional, separados por /", "tr": "Saatten sonra hizmeti ve ustayı / ile ayırarak yazın"},
    "usage.client": {"en": "/{command} needs a client id or phone, e.g. /{command} 12", "ru": "/{command} ждёт id клиента или телефон, например /{command} 12", "es": "/{command} necesita el id o el teléfono del cliente, p. ej. /{command} 12", "tr": "/{command} müşteri kimliği veya telefonu ister, ör. /{command} 12"},
    "usage.client_ref": {"en": "/{command} takes the client's id or phone (find it with /client <name>)", "ru": "/{command} принимает id клиента или телефон (найдите их через /client <имя>)", "es": "/{command} admite el id o el teléfono del cliente (búscalo con /client <nombre>)", "tr": "/{command} müşterinin kimliğini veya telefonunu alır (/client <ad> ile bulun)"},
    # refusals of the ledger, in the admins' words
    "error.illegal": {"en": "#{id} is marked “{state}”: that can no longer be done.", "ru": "Запись #{id} сейчас «{state}»: это действие уже невозможно.", "es": "La cita #{id} está «{state}»: eso ya no se puede hacer.", "tr": "#{id} randevusu şu an «{state}»: bu artık yapılamaz."},
    "error.noshow_early": {"en": "#{id} starts {starts_at}: a no-show can be marked once it has begun.", "ru": "Запись #{id} начинается {starts_at}: неявку можно отметить только после начала.", "es": "La cita #{id} empieza {starts_at}: la ausencia se marca cuando ya ha empezado.", "tr": "#{id} randevusu {starts_at} başlıyor: gelmedi ancak başladıktan sonra işaretlenebilir."},
    "error.no_appointment": {"en": "There is no appointment #{id}.", "ru": "Записи #{id} нет.", "es": "No existe la cita #{id}.", "tr": "#{id} numaralı randevu yok."},
    "error.no_client": {"en": "There is no client with id {id}.", "ru": "Клиента с id {id} нет.", "es": "No hay ningún cliente con id {id}.", "tr": "{id} kimlikli müşteri yok."},
    "error.no_client_phone": {"en": "No client has the phone {phone}.", "ru": "Нет клиента с телефоном {phone}.", "es": "Ningún cliente tiene el teléfono {phone}.", "tr": "{phone} telefonlu müşteri yok."},
    "error.phone_taken": {"en": "The phone {phone} already belongs to {name} (id {id}).", "ru": "Телефон {phone} уже записан на другого клиента: {name} (id {id}).", "es": "El teléfono {phone} ya es de {name} (id {id}).", "tr": "{phone} telefonu zaten {name} (id {id}) müşterisine ait."},
    "error.phone": {"en": "I cannot read {text!r} as a phone number; write it with + and the country code, e.g. +79001234567.", "ru": "Не могу прочитать телефон {text!r}; напишите его с + и кодом страны, например +79001234567.", "es": "No puedo leer {text!r} como teléfono; escríbelo con + y el prefijo del país, p. ej. +34600111222.", "tr": "{text!r} telefonunu okuyamıyorum; + ve ülke koduyla yazın, ör. +905321234567."},
    "error.when": {"en": "I cannot read {text!r} as a date and time; write it like 2026-11-25 14:00.", "ru": "Не могу прочитать дату и время {text!r}; пишите так: 2026-11-25 14:00.", "es": "No puedo leer {text!r} como fecha y hora; escríbelo así: 2026-11-25 14:00.", "tr": "{text!r} tarih ve saat olarak okunamıyor; şöyle yazın: 2026-11-25 14:00."},
    "error.busy": {"en": "{master} is busy then: #{id}, {client}, {starts_at}.", "ru": "{master} в это время занят(а): запись #{id}, {client}, {starts_at}.", "es": "{master} está ocupado/a a esa hora: cita #{id}, {client}, {starts_at}.", "tr": "{master} o saatte dolu: #{id}, {client}, {starts_at}."},
    "error.inactive": {"en": "{master} is not working at the salon now.", "ru": "Мастер {master} сейчас не работает в салоне.", "es": "{master} no trabaja ahora en el salón.", "tr": "{master} şu an salonda çalışmıyor."},
    "error.no_master": {"en": "There is no master {ref!r}. Masters: {names}.", "ru": "Мастер {ref!r} не найден. Мастера: {names}.", "es": "No hay ningún profesional {ref!r}. Profesionales: {names}.", "tr": "{ref!r} adlı usta yok. Ustalar: {names}."},
    "error.no_service": {"en": "There is no service {ref!r}. Services: {names}.", "ru": "Услуга {ref!r} не найдена. Услуги: {names}.", "es": "No hay ningún servicio {ref!r}. Servicios: {names}.", "tr": "{ref!r} adlı hizmet yok. Hizmetler: {names}."},
    "error.blocked": {"en": "{name} is blocked from booking: {reason}. To lift it: /unblock {id} <reason>", "ru": "{name}: запись заблокирована ({reason}). Снять блокировку: /unblock {id} <причина>", "es": "{name} tiene las reservas bloqueadas: {reason}. Para desbloquear: /unblock {id} <motivo>", "tr": "{name} için randevu engelli: {reason}. Kaldırmak için: /unblock {id} <sebep>"},
    # the waitlist
    "waitlist.usage": {"en": "/waitlist — the list; /waitlist remove <N>; /waitlist add <phone> <service> [/ <master or any>] [/ <days and times, e.g. mon-fri 09:00-13:00>] [/ <last day YYYY-MM-DD>] [/ earlier], e.g. /waitlist add +79001234567 Manicure / Anna / mon-fri 17:00-20:00 / 2026-12-10", "ru": "/waitlist — список; /waitlist remove <N>; /waitlist add <телефон> <услуга> [/ <мастер или any>] [/ <дни и часы, например пн-пт 09:00-13:00>] [/ <последний день ГГГГ-ММ-ДД>] [/ раньше], например /waitlist add +79001234567 Маникюр / Анна / пн-пт 17:00-20:00 / 2026-12-10", "es": "/waitlist — la lista; /waitlist remove <N>; /waitlist add <teléfono> <servicio> [/ <profesional o any>] [/ <días y horas, p. ej. lun-vie 09:00-13:00>] [/ <último día AAAA-MM-DD>] [/ antes], p. ej. /waitlist add +34600111222 Manicura / Ana / lun-vie 17:00-20:00 / 2026-12-10", "tr": "/waitlist — liste; /waitlist remove <N>; /waitlist add <telefon> <hizmet> [/ <usta veya any>] [/ <günler ve saatler, ör. pzt-cum 09:00-13:00>] [/ <son gün YYYY-AA-GG>] [/ erken], ör. /waitlist add +905321234567 Manikür / Ayşe / pzt-cum 17:00-20:00 / 2026-12-10"},
    "waitlist.added": {"en": "On the waitlist as #{id} (number {position} in line): {name}, {service}, {master}, {when}{until}.", "ru": "В листе ожидания под №{id} (в очереди {position}-й): {name}, {service}, мастер: {master}, {when}{until}.", "es": "En la lista de espera como #{id} (puesto {position}): {name}, {service}, {master}, {when}{until}.", "tr": "Bekleme listesinde #{id} olarak (sırada {position}.): {name}, {service}, {master}, {when}{until}."},
    "waitlist.head": {"en": "Waitlist — {n} waiting, first in line first:", "ru": "Лист ожидания — ждут: {n}, по порядку очереди:", "es": "Lista de espera — {n} en espera, por orden:", "tr": "Bekleme listesi — {n} kişi bekliyor, sıraya göre:"},
    "waitlist.empty": {"en": "Nobody is on the waitlist.", "ru": "Лист ожидания пуст.", "es": "No hay nadie en la lista de espera.", "tr": "Bekleme listesi boş."},
    "waitlist.any_master": {"en": "any master", "ru": "любой", "es": "cualquier profesional", "tr": "herhangi bir usta"},
    "waitlist.any_time": {"en": "any time", "ru": "в любое время", "es": "a cualquier hora", "tr": "her saat"},
    "waitlist.until": {"en": ", until {day}", "ru": ", до {day}", "es": ", hasta el {day}", "tr": ", son gün {day}"},
    "waitlist.earlier": {"en": "would move #{id} earlier", "ru": "перенесёт запись #{id} на более раннее время", "es": "adelantaría la cita #{id}", "tr": "#{id} randevusunu öne alır"},
    "waitlist.removed": {"en": "Removed #{id} from the waitlist: {name}.", "ru": "Убрано из листа ожидания: №{id}, {name}.", "es": "Quitado de la lista de espera: #{id}, {name}.", "tr": "Bekleme listesinden çıkarıldı: #{id}, {name}."},
    "waitlist.refilled": {"en": "✅ A freed slot was refilled from the waitlist: {when}, {master} — {name}, {service} ({price}).", "ru": "✅ Освободившееся время занято из листа ожидания: {when}, мастер {master} — {name}, {service} ({price}).", "es": "✅ Un hueco libre se llenó desde la lista de espera: {when}, {master} — {name}, {service} ({price}).", "tr": "✅ Boşalan saat bekleme listesinden dolduruldu: {when}, {master} — {name}, {service} ({price})."},
    "waitlist.refilled_moved": {"en": "✅ A freed slot was refilled from the waitlist: {when}, {master} — {name} moved their booking earlier ({service}, {price}); their old time is offered in turn.", "ru": "✅ Освободившееся время занято из листа ожидания: {when}, мастер {master} — {name}: запись перенесена на более раннее время ({service}, {price}); прежнее время теперь предлагается другим.", "es": "✅ Un hueco libre se llenó desde la lista de espera: {when}, {master} — {name} adelantó su cita ({service}, {price}); su hora anterior se ofrece a su vez.", "tr": "✅ Boşalan saat bekleme listesinden dolduruldu: {when}, {master} — {name} randevusunu öne aldı ({service}, {price}); eski saati sırayla başkalarına sunuluyor."},
    "report.refilled": {"en": "Freed slots refilled from the waitlist: {n} of {freed}, {value} recovered.", "ru": "Освободившихся окон занято из листа ожидания: {n} из {freed}, возвращено {value}.", "es": "Huecos libres llenados desde la lista de espera: {n} de {freed}, {value} recuperados.", "tr": "Bekleme listesinden doldurulan boş saatler: {freed} içinden {n}, geri kazanılan {value}."},
    "error.waitlist_duplicate": {"en": "{name} is already waiting for {service} (#{id}).", "ru": "Клиент уже ждёт эту услугу: {name}, {service} (№{id}).", "es": "{name} ya espera {service} (#{id}).", "tr": "{name} zaten {service} için bekliyor (#{id})."},
    "error.no_waitlist_entry": {"en": "There is no waitlist entry #{id}.", "ru": "В листе ожидания нет №{id}.", "es": "No existe la entrada #{id} de la lista de espera.", "tr": "Bekleme listesinde #{id} yok."},
    "error.waitlist_ended": {"en": "Waitlist entry #{id} has already ended.", "ru": "Запись №{id} в листе ожидания уже закрыта.", "es": "La entrada #{id} de la lista de espera ya terminó.", "tr": "Bekleme listesindeki #{id} zaten kapandı."},
    "error.waitlist_days": {"en": "I cannot read {text!r} as a day; write mon, tue… or mon-fri.", "ru": "Не могу прочитать день {text!r}; пишите пн, вт… или пн-пт.", "es": "No puedo leer {text!r} como día; escribe lun, mar… o lun-vie.", "tr": "{text!r} gün olarak okunamıyor; pzt, sal… veya pzt-cum yazın."},
    "error.waitlist_times": {"en": "I cannot read {text!r} as hours; write them like 09:00-13:00.", "ru": "Не могу прочитать часы {text!r}; пишите так: 09:00-13:00.", "es": "No puedo leer {text!r} como horas; escríbelas así: 09:00-13:00.", "tr": "{text!r} saat aralığı olarak okunamıyor; şöyle yazın: 09:00-13:00."},
    "error.waitlist_no_booking": {"en": "“earlier” needs an upcoming booking of the client's to move.", "ru": "Для «раньше» у клиента должна быть будущая запись, которую можно перенести.", "es": "«antes» necesita una cita futura del cliente para adelantar.", "tr": "“erken” için müşterinin öne alınacak ileri tarihli bir randevusu olmalı."},
    "extra.waitlist": {"en": "🔄 refilled from the waitlist", "ru": "🔄 из листа ожидания", "es": "🔄 desde la lista de espera", "tr": "🔄 bekleme listesinden"},
    "error.waitlist_until_past": {"en": "The last day is already over.", "ru": "Последний день уже прошёл.", "es": "El último día ya pasó.", "tr": "Son gün zaten geçti."},
}
# fmt: on

HELP = {
    "en": """ShowUp admin commands
/today — today's board
/tomorrow — tomorrow's board
/day YYYY-MM-DD — the board of a day
/noshows [days] — no-shows of the last days (default 7)
/client <name or phone> — a client's card and history
/arrived <id> — mark an appointment arrived
/noshow <id> — mark it a no-show
/cancel <id> — cancel it (by the salon)
/book <phone> <YYYY-MM-DD> <HH:MM> <service> / <master> [/ <new client's name>]
/strikes <client id or phone> — strikes, rung and why
/forgive <client id or phone> [reason] — wipe the strikes
/block <client id or phone> [reason] — refuse new bookings
/unblock <client id or phone> [reason] — accept them again
/waitlist — the waitlist; /waitlist add … · /waitlist remove <N>
/help — this list
Reply to a forwarded client message to answer the client on their own messenger.""",
    "ru": """Команды администратора ShowUp
/today — записи на сегодня
/tomorrow — записи на завтра
/day ГГГГ-ММ-ДД — записи на день
/noshows [дни] — неявки за последние дни (по умолчанию 7)
/client <имя или телефон> — карточка и история клиента
/arrived <id> — отметить, что клиент пришёл
/noshow <id> — отметить неявку
/cancel <id> — отменить (со стороны салона)
/book <телефон> <ГГГГ-ММ-ДД> <ЧЧ:ММ> <услуга> / <мастер> [/ <имя нового клиента>]
/strikes <id или телефон клиента> — нарушения, ступень и почему
/forgive <id или телефон> [причина] — снять нарушения
/block <id или телефон> [причина] — не принимать новые записи
/unblock <id или телефон> [причина] — снова принимать
/waitlist — лист ожидания; /waitlist add … · /waitlist remove <N>
/help — этот список
Ответьте на пересланное сообщение клиента, чтобы ответить ему в его мессенджере.""",
    "es": """Comandos de administración de ShowUp
/today — las citas de hoy
/tomorrow — las citas de mañana
/day AAAA-MM-DD — las citas de un día
/noshows [días] — ausencias de los últimos días (7 por defecto)
/client <nombre o teléfono> — ficha e historial del cliente
/arrived <id> — marcar que llegó
/noshow <id> — marcar ausencia
/cancel <id> — cancelar (por el salón)
/book <teléfono> <AAAA-MM-DD> <HH:MM> <servicio> / <profesional> [/ <nombre del cliente nuevo>]
/strikes <id o teléfono> — faltas, nivel y motivos
/forgive <id o teléfono> [motivo] — borrar las faltas
/block <id o teléfono> [motivo] — no aceptar reservas
/unblock <id o teléfono> [motivo] — aceptarlas de nuevo
/waitlist — la lista de espera; /waitlist add … · /waitlist remove <N>
/help — esta lista
Responde a un mensaje reenviado de un cliente para contestarle por su propia mensajería.""",
    "tr": """ShowUp yönetici komutları
/today — bugünün randevuları
/tomorrow — yarının randevuları
/day YYYY-AA-GG — bir günün randevuları
/noshows [gün] — son günlerde gelmeyenler (varsayılan 7)
/client <ad veya telefon> — müşteri kartı ve geçmişi
/arrived <id> — geldi olarak işaretle
/noshow <id> — gelmedi olarak işaretle
/cancel <id> — iptal et (salon tarafından)
/book <telefon> <YYYY-AA-GG> <SS:DD> <hizmet> / <uzman> [/ <yeni müşterinin adı>]
/strikes <id veya telefon> — ihlaller, basamak ve nedenleri
/forgive <id veya telefon> [neden] — ihlalleri sil
/block <id veya telefon> [neden] — yeni randevu alma
/unblock <id veya telefon> [neden] — yeniden kabul et
/waitlist — bekleme listesi; /waitlist add … · /waitlist remove <N>
/help — bu liste
Müşteriye kendi mesajlaşma uygulamasından yanıt vermek için iletilen mesajını yanıtlayın.""",
}


# fmt: off
#: descriptions of the admin command menu (set_my_commands), by language
MENU: dict[str, dict[str, str]] = {
    "today": {"en": "Today's board", "ru": "Записи на сегодня", "es": "Las citas de hoy", "tr": "Bugünün randevuları"},
    "tomorrow": {"en": "Tomorrow's board", "ru": "Записи на завтра", "es": "Las citas de mañana", "tr": "Yarının randevuları"},
    "day": {"en": "Board of a day: /day YYYY-MM-DD", "ru": "Записи на день: /day ГГГГ-ММ-ДД", "es": "Citas de un día: /day AAAA-MM-DD", "tr": "Bir günün randevuları: /day YYYY-AA-GG"},
    "noshows": {"en": "Recent no-shows: /noshows [days]", "ru": "Неявки: /noshows [дни]", "es": "Ausencias: /noshows [días]", "tr": "Gelmeyenler: /noshows [gün]"},
    "client": {"en": "A client's card: /client <name or phone>", "ru": "Карточка клиента: /client <имя или телефон>", "es": "Ficha: /client <nombre o teléfono>", "tr": "Müşteri kartı: /client <ad veya telefon>"},
    "arrived": {"en": "Mark arrived: /arrived <id>", "ru": "Клиент пришёл: /arrived <id>", "es": "Llegó: /arrived <id>", "tr": "Geldi: /arrived <id>"},
    "noshow": {"en": "Mark a no-show: /noshow <id>", "ru": "Неявка: /noshow <id>", "es": "No vino: /noshow <id>", "tr": "Gelmedi: /noshow <id>"},
    "cancel": {"en": "Cancel: /cancel <id>", "ru": "Отменить: /cancel <id>", "es": "Cancelar: /cancel <id>", "tr": "İptal: /cancel <id>"},
    "book": {"en": "Book: /book <phone> <date> <time> <service> / <master>", "ru": "Записать: /book <телефон> <дата> <время> <услуга> / <мастер>", "es": "Reservar: /book <teléfono> <fecha> <hora> <servicio> / <profesional>", "tr": "Randevu: /book <telefon> <tarih> <saat> <hizmet> / <uzman>"},
    "strikes": {"en": "Strikes of a client: /strikes <id or phone>", "ru": "Нарушения клиента: /strikes <id или телефон>", "es": "Faltas: /strikes <id o teléfono>", "tr": "İhlaller: /strikes <id veya telefon>"},
    "forgive": {"en": "Wipe strikes: /forgive <id or phone> [reason]", "ru": "Снять нарушения: /forgive <id или телефон> [причина]", "es": "Borrar faltas: /forgive <id o teléfono> [motivo]", "tr": "İhlalleri sil: /forgive <id veya telefon> [neden]"},
    "block": {"en": "Block bookings: /block <id or phone> [reason]", "ru": "Заблокировать: /block <id или телефон> [причина]", "es": "Bloquear: /block <id o teléfono> [motivo]", "tr": "Engelle: /block <id veya telefon> [neden]"},
    "unblock": {"en": "Unblock: /unblock <id or phone> [reason]", "ru": "Разблокировать: /unblock <id или телефон> [причина]", "es": "Desbloquear: /unblock <id o teléfono> [motivo]", "tr": "Engeli kaldır: /unblock <id veya telefon> [neden]"},
    "waitlist": {"en": "The waitlist: /waitlist [add … | remove N]", "ru": "Лист ожидания: /waitlist [add … | remove N]", "es": "Lista de espera: /waitlist [add … | remove N]", "tr": "Bekleme listesi: /waitlist [add … | remove N]"},
    "help": {"en": "All commands", "ru": "Все команды", "es": "Todos los comandos", "tr": "Tüm komutlar"},
}
# fmt: on


class AdminTexts:
    """The admin texts of one language (English for an unknown one)."""

    def __init__(self, locale: str = "en") -> None:
        self.locale = locale if locale in SUPPORTED_LOCALES else "en"

    def __call__(self, key: str, /, **values: object) -> str:
        texts = MESSAGES[key]
        return texts.get(self.locale, texts["en"]).format(**values)

    def has(self, key: str) -> bool:
        return key in MESSAGES

    def label(self, label: str) -> str:
        """A board label ("awaiting answer"…) in this language."""
        key = f"label.{label}"
        return self(key) if key in MESSAGES else label

    def note(self, extra: tuple[str, str]) -> str:
        """A board annotation: ``("deposit", "9.00 EUR")`` → "💰 deposit €9.00"."""
        kind, value = extra
        if kind == "discount":
            return f"🎁 -{value}"
        if kind == "proposed":  # an ISO time in the salon's zone
            value = self.moment(datetime.fromisoformat(value))
        if kind == "deposit":  # "9.00 RUB" → "9,00 ₽" in the reader's language
            amount, currency = value.split(" ", 1)
            value = format_currency(Decimal(amount), currency, locale=self.locale)
        return self(f"extra.{kind}", amount=value)

    def moment(self, value: datetime) -> str:
        """``Tue 24.11 15:00``, ``вт 24.11 15:00``… (already in the salon's zone)."""
        if self.locale == "en":
            return f"{value:%a %d.%m %H:%M}"
        return format_datetime(value, format="EEE dd.MM HH:mm", locale=self.locale)

    def day(self, value: date) -> str:
        """``Mon 23 Nov 2026``, ``пн 23 нояб. 2026``…"""
        if self.locale == "en":
            return f"{value:%a %d %b %Y}"
        return format_date(value, format="EEE d MMM y", locale=self.locale)

    @property
    def help(self) -> str:
        return HELP[self.locale]

    @property
    def menu(self) -> list[tuple[str, str]]:
        """(command, description) for the messenger's command menu."""
        return [(command, texts.get(self.locale, texts["en"])) for command, texts in MENU.items()]
