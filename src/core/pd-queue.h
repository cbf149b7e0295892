/* pd-queue.h: the queue at the entrance: tickets (phiếu thứ tự), calls to counters, and
 * appointment slips (giấy hẹn) once a service's day is full.
 *
 * A ticket's label is the issuing station's letter, the service's letter and the number of
 * that service on that station that day: "AP-017". Each station at the entrance has its own
 * letter, so stations cut off from each other never hand out the same label; the ticket's
 * UUID is what the office's queue is merged by. Tickets live in the store (tables
 * queue_tickets and queue_appointments) and are shared through the office's server by
 * pd-queue-sync.h.
 *
 * Appointment slots hold PD_QUEUE_SLOT_SIZE people per service, for the whole office. While
 * the office's server can be reached, every appointment is booked there, in one transaction,
 * so that two stations never give out the same last place (pd_queue_sync_issue_async()). A
 * station cut off from it may only book from its own share: PD_QUEUE_SHARE place(s) of each
 * slot that the server holds back for that station from the day it joined the office's
 * bookings on, and never gives to another station. So an offline slip is always a real place:
 * no slot is ever overbooked, the citizen's slip is honoured as printed, and the server takes
 * it over on the next exchange. A station gets its share on its first exchange with the
 * server; one that never met a server (a standalone office) books from the whole slot.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "pd-calendar.h"
#include "pd-store.h"

G_BEGIN_DECLS

#define PD_QUEUE_ERROR (pd_queue_error_quark ())
typedef enum {
  PD_QUEUE_ERROR_NO_STATION,     /* this station has no ticket letter yet */
  PD_QUEUE_ERROR_UNKNOWN_SERVICE,
  PD_QUEUE_ERROR_NOT_FOUND,
  PD_QUEUE_ERROR_INVALID,        /* a ticket that is malformed, or a change it cannot take */
  PD_QUEUE_ERROR_NO_SLOT,        /* no appointment slot left in the days looked at */
  PD_QUEUE_ERROR_NO_SHARE,       /* cut off from the server before this station had a share */
} PdQueueError;
GQuark pd_queue_error_quark (void);

/* Setting keys in the store. */
#define PD_QUEUE_SETTING_STATION   "queue.station"
#define PD_QUEUE_SETTING_CAPACITY  "queue.capacity."   /* + the service letter */

typedef enum {
  PD_TICKET_WAITING,
  PD_TICKET_CALLED,
  PD_TICKET_SERVED,
  PD_TICKET_NO_SHOW,
} PdTicketState;

const char  *pd_ticket_state_to_string   (PdTicketState  state);
gboolean     pd_ticket_state_from_string (const char    *text,
                                          PdTicketState *state);
/* Translated, for people. */
const char  *pd_ticket_state_get_label   (PdTicketState  state);

typedef struct {
  char          *id;          /* UUID, made by the issuing station */
  char          *label;       /* "AP-017" */
  char          *day;         /* YYYY-MM-DD, local time of issue */
  char          *service;     /* the service's letter */
  char          *station;     /* the issuing station's letter */
  guint          number;
  gint64         issued_at;   /* Unix seconds */
  PdTicketState  state;
  char          *counter;     /* nullable: the counter it was last called to */
  gint64         called_at;   /* Unix seconds, 0 when never called */
  gint64         updated_at;  /* Unix milliseconds of the last change: the merge order */
} PdTicket;

#define PD_TICKET_MAX_COUNTER 32   /* bytes of a counter's name */

GType        pd_ticket_get_type          (void) G_GNUC_CONST;
#define PD_TYPE_TICKET (pd_ticket_get_type ())
PdTicket    *pd_ticket_copy              (const PdTicket *ticket);
void         pd_ticket_free              (PdTicket       *ticket);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdTicket, pd_ticket_free)

/* Seconds waited: until @now while waiting, until the call once called. */
gint64       pd_ticket_get_waiting_seconds (const PdTicket *ticket,
                                            gint64          now);
/* Whether @a is a later version of the same ticket than @b: later updated_at, then the
 * further state, then the greater counter. Every station and the server merge alike. */
gboolean     pd_ticket_supersedes        (const PdTicket *a,
                                          const PdTicket *b);
/* Parses an ISO day "YYYY-MM-DD" into @date (nullable); FALSE if it is not one. */
gboolean     pd_queue_parse_day          (const char     *text,
                                          GDate          *date);
JsonNode    *pd_ticket_to_json           (const PdTicket *ticket);
/* Strict: exactly the members pd_ticket_to_json() writes, well formed. */
PdTicket    *pd_ticket_from_json         (JsonNode       *node,
                                          GError        **error);

typedef struct {
  const char *code;       /* one capital letter */
  const char *name;       /* translated */
  guint       capacity;   /* tickets a day, office-wide, before appointments */
} PdQueueService;

typedef struct {
  char     *id;          /* UUID, made by the issuing station: the booking's idempotency key */
  char     *reference;   /* "AP-H1124-003": station, service, date, number */
  char     *service;
  char     *date;        /* YYYY-MM-DD */
  char     *from_time;   /* "HH:MM" */
  char     *to_time;
  gint64    issued_at;
  char     *station;     /* the issuing station's letter */
  gboolean  reserved;    /* a place of the issuing station's share */
  gboolean  offline;     /* booked here, not yet taken over by the office's server */
} PdAppointment;

PdAppointment *pd_appointment_copy       (const PdAppointment *appointment);
void         pd_appointment_free         (PdAppointment *appointment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdAppointment, pd_appointment_free)
/* Without `offline`, which only the issuing station knows. */
JsonNode    *pd_appointment_to_json      (const PdAppointment *appointment);
/* Strict: exactly the members pd_appointment_to_json() writes, on a real slot. */
PdAppointment *pd_appointment_from_json  (JsonNode       *node,
                                          GError        **error);

/* Appointment slots: half an hour each, from 07:30 to 11:30 and 13:30 to 16:30. */
#define PD_QUEUE_SLOT_MINUTES  30
#define PD_QUEUE_SLOT_SIZE     8     /* appointments per slot and service, office-wide */
#define PD_QUEUE_LOOKAHEAD     20    /* working days searched for a free slot */
/* Places of each slot held for each station that joined the office's bookings, for when it
 * is cut off; at most PD_QUEUE_MAX_SHARES stations get one, so that most of a slot stays
 * open to whoever books first. */
#define PD_QUEUE_SHARE         1
#define PD_QUEUE_MAX_SHARES    4

/* The slots of a day, in order: "HH:MM" times (static strings). */
guint        pd_queue_get_n_slots        (void);
void         pd_queue_get_slot           (guint           index,
                                          const char    **from_time,
                                          const char    **to_time);

#define PD_TYPE_QUEUE (pd_queue_get_type ())
G_DECLARE_FINAL_TYPE (PdQueue, pd_queue, PD, QUEUE, GObject)

/* The queue kept in @store. @calendar (nullable) says which days are working days for
 * appointments; without it, Monday to Friday. */
PdQueue     *pd_queue_new                (PdStore        *store,
                                          PdCalendar     *calendar);
PdStore     *pd_queue_get_store          (PdQueue        *self);

/* (nullable): this station's ticket letter. */
char        *pd_queue_dup_station        (PdQueue        *self);
/* One capital letter A to Z; each station at the entrance needs its own. */
gboolean     pd_queue_set_station        (PdQueue        *self,
                                          const char     *letter,
                                          GError        **error);

guint                  pd_queue_get_n_services (PdQueue    *self);
const PdQueueService  *pd_queue_get_service    (PdQueue    *self,
                                                guint       index);
/* (nullable) */
const PdQueueService  *pd_queue_lookup_service (PdQueue    *self,
                                                const char *code);
gboolean     pd_queue_set_capacity       (PdQueue        *self,
                                          const char     *service,
                                          guint           capacity,
                                          GError        **error);

/* The clock the queue reads; NULL goes back to the real one. Tests and demos only. */
void         pd_queue_set_time           (PdQueue        *self,
                                          GDateTime      *time);
GDateTime   *pd_queue_dup_time           (PdQueue        *self);

/* Issues a ticket for @service today, or, when the service's day is full, an appointment
 * slip for the first free slot of a later working day, booked on this station alone: from
 * its share once it has one, else from the whole slot. Exactly one of @ticket and
 * @appointment is set on success. Emits "changed". With a server, use
 * pd_queue_sync_issue_async(). */
gboolean     pd_queue_issue              (PdQueue        *self,
                                          const char     *service,
                                          PdTicket      **ticket,
                                          PdAppointment **appointment,
                                          GError        **error);

/* (element-type PdTicket): the tickets of @day (nullable: today), oldest first; only the
 * waiting ones when @waiting_only. */
GPtrArray   *pd_queue_list               (PdQueue        *self,
                                          const char     *day,
                                          gboolean        waiting_only,
                                          GError        **error);
/* (element-type PdAppointment): the appointments of @date as this station knows them (its own
 * and, once shared, the whole office's), by slot. */
GPtrArray   *pd_queue_list_appointments  (PdQueue        *self,
                                          const char     *date,
                                          GError        **error);
/* By id or by today's label. */
PdTicket    *pd_queue_lookup             (PdQueue        *self,
                                          const char     *id_or_label,
                                          GError        **error);

/* Calls the longest-waiting ticket of today (of @service when not NULL) to @counter.
 * Returns NULL without error when nobody waits. Emits "ticket-called" and "changed". */
PdTicket    *pd_queue_call_next          (PdQueue        *self,
                                          const char     *counter,
                                          const char     *service,
                                          GError        **error);
/* Calls again (@state CALLED, to @counter), or closes a ticket (SERVED, NO_SHOW). A
 * ticket may not go back to waiting. Emits "ticket-called" for a call, and "changed". */
PdTicket    *pd_queue_set_state          (PdQueue        *self,
                                          const char     *id_or_label,
                                          PdTicketState   state,
                                          const char     *counter,
                                          GError        **error);

G_END_DECLS
