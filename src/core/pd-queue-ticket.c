/* pd-queue-ticket.c: queue tickets and appointments as values: states, slots, JSON, the
 * merge order. Apart from pd-queue.c so that the central server links it without the store. */
#define G_LOG_DOMAIN "passdesk-queue"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "pd-queue.h"
#include "pd-queue-private.h"

G_DEFINE_QUARK (pd-queue-error-quark, pd_queue_error)

static const char *state_names[] = {
  [PD_TICKET_WAITING] = "waiting",
  [PD_TICKET_CALLED] = "called",
  [PD_TICKET_SERVED] = "served",
  [PD_TICKET_NO_SHOW] = "no_show",
};

/* Tickets -------------------------------------------------------------------------------- */

const char *
pd_ticket_state_to_string (PdTicketState state)
{
  g_return_val_if_fail (state <= PD_TICKET_NO_SHOW, NULL);
  return state_names[state];
}

gboolean
pd_ticket_state_from_string (const char    *text,
                             PdTicketState *state)
{
  for (guint i = 0; text && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (text, state_names[i]))
      {
        *state = i;
        return TRUE;
      }
  return FALSE;
}

const char *
pd_ticket_state_get_label (PdTicketState state)
{
  switch (state)
    {
    case PD_TICKET_WAITING:
      return _("Waiting");
    case PD_TICKET_CALLED:
      return _("Called");
    case PD_TICKET_SERVED:
      return _("Served");
    case PD_TICKET_NO_SHOW:
      return _("Did not come");
    default:
      g_return_val_if_reached (NULL);
    }
}

PdTicket *
pd_ticket_copy (const PdTicket *ticket)
{
  PdTicket *copy = g_new0 (PdTicket, 1);

  *copy = *ticket;
  copy->id = g_strdup (ticket->id);
  copy->label = g_strdup (ticket->label);
  copy->day = g_strdup (ticket->day);
  copy->service = g_strdup (ticket->service);
  copy->station = g_strdup (ticket->station);
  copy->counter = g_strdup (ticket->counter);
  return copy;
}

void
pd_ticket_free (PdTicket *ticket)
{
  if (ticket == NULL)
    return;
  g_free (ticket->id);
  g_free (ticket->label);
  g_free (ticket->day);
  g_free (ticket->service);
  g_free (ticket->station);
  g_free (ticket->counter);
  g_free (ticket);
}

G_DEFINE_BOXED_TYPE (PdTicket, pd_ticket, pd_ticket_copy, pd_ticket_free)

PdAppointment *
pd_appointment_copy (const PdAppointment *appointment)
{
  PdAppointment *copy = g_memdup2 (appointment, sizeof *appointment);

  copy->id = g_strdup (appointment->id);
  copy->reference = g_strdup (appointment->reference);
  copy->service = g_strdup (appointment->service);
  copy->date = g_strdup (appointment->date);
  copy->from_time = g_strdup (appointment->from_time);
  copy->to_time = g_strdup (appointment->to_time);
  copy->station = g_strdup (appointment->station);
  return copy;
}

void
pd_appointment_free (PdAppointment *appointment)
{
  if (appointment == NULL)
    return;
  g_free (appointment->id);
  g_free (appointment->reference);
  g_free (appointment->service);
  g_free (appointment->date);
  g_free (appointment->from_time);
  g_free (appointment->to_time);
  g_free (appointment->station);
  g_free (appointment);
}

/* Half an hour each, 07:30 to 11:30 and 13:30 to 16:30 (PD_QUEUE_SLOT_MINUTES). */
static const struct {
  const char *from;
  const char *to;
} slots[] = {
  { "07:30", "08:00" }, { "08:00", "08:30" }, { "08:30", "09:00" }, { "09:00", "09:30" },
  { "09:30", "10:00" }, { "10:00", "10:30" }, { "10:30", "11:00" }, { "11:00", "11:30" },
  { "13:30", "14:00" }, { "14:00", "14:30" }, { "14:30", "15:00" }, { "15:00", "15:30" },
  { "15:30", "16:00" }, { "16:00", "16:30" },
};

guint
pd_queue_get_n_slots (void)
{
  return G_N_ELEMENTS (slots);
}

void
pd_queue_get_slot (guint        index,
                   const char **from_time,
                   const char **to_time)
{
  g_return_if_fail (index < G_N_ELEMENTS (slots));

  *from_time = slots[index].from;
  *to_time = slots[index].to;
}

gint64
pd_ticket_get_waiting_seconds (const PdTicket *ticket,
                               gint64          now)
{
  gint64 until = ticket->state == PD_TICKET_WAITING || ticket->called_at == 0 ? now : ticket->called_at;

  return MAX (until - ticket->issued_at, 0);
}

gboolean
pd_ticket_supersedes (const PdTicket *a,
                      const PdTicket *b)
{
  if (a->updated_at != b->updated_at)
    return a->updated_at > b->updated_at;
  if (a->state != b->state)
    return a->state > b->state;
  return g_strcmp0 (a->counter, b->counter) > 0;
}

JsonNode *
pd_ticket_to_json (const PdTicket *ticket)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, ticket->id);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, ticket->label);
  json_builder_set_member_name (builder, "day");
  json_builder_add_string_value (builder, ticket->day);
  json_builder_set_member_name (builder, "service");
  json_builder_add_string_value (builder, ticket->service);
  json_builder_set_member_name (builder, "station");
  json_builder_add_string_value (builder, ticket->station);
  json_builder_set_member_name (builder, "number");
  json_builder_add_int_value (builder, ticket->number);
  json_builder_set_member_name (builder, "issued_at");
  json_builder_add_int_value (builder, ticket->issued_at);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, pd_ticket_state_to_string (ticket->state));
  json_builder_set_member_name (builder, "counter");
  if (ticket->counter)
    json_builder_add_string_value (builder, ticket->counter);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "called_at");
  json_builder_add_int_value (builder, ticket->called_at);
  json_builder_set_member_name (builder, "updated_at");
  json_builder_add_int_value (builder, ticket->updated_at);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
pd_queue_is_letter (const char *text)
{
  return text && g_ascii_isupper (text[0]) && text[1] == '\0';
}

gboolean
pd_queue_parse_day (const char *text,
                    GDate      *date)
{
  guint year, month, day;
  int end = 0;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4u-%2u-%2u%n", &year, &month, &day, &end) != 3 || end != 10 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;
  if (date)
    g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* @node's object when it has exactly the @n_members @members, else NULL: a member more or
 * less means another version of the protocol. */
static JsonObject *
object_with_members (JsonNode          *node,
                     const char *const *members,
                     guint              n_members)
{
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (json_object_get_size (object) != n_members)
    return NULL;
  for (guint i = 0; i < n_members; i++)
    if (!json_object_has_member (object, members[i]))
      return NULL;
  return object;
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64      min,
            gint64      max,
            gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return *value >= min && *value <= max;
}

PdTicket *
pd_ticket_from_json (JsonNode  *node,
                     GError   **error)
{
  static const char *const members[] = { "id", "label", "day", "service", "station", "number",
                                         "issued_at", "state", "counter", "called_at", "updated_at" };
  g_autoptr(PdTicket) ticket = g_new0 (PdTicket, 1);
  g_autofree char *label = NULL;
  JsonObject *object;
  JsonNode *counter;
  gint64 number;

  if ((object = object_with_members (node, members, G_N_ELEMENTS (members))) == NULL)
    goto invalid;

  ticket->id = g_strdup (member_string (object, "id"));
  ticket->day = g_strdup (member_string (object, "day"));
  ticket->service = g_strdup (member_string (object, "service"));
  ticket->station = g_strdup (member_string (object, "station"));
  ticket->label = g_strdup (member_string (object, "label"));
  if (ticket->id == NULL || !g_uuid_string_is_valid (ticket->id) ||
      !pd_queue_parse_day (ticket->day, NULL) ||
      !pd_queue_is_letter (ticket->service) || !pd_queue_is_letter (ticket->station) ||
      !member_int (object, "number", 1, 9999, &number) ||
      !member_int (object, "issued_at", 0, G_MAXINT64, &ticket->issued_at) ||
      !member_int (object, "called_at", 0, G_MAXINT64, &ticket->called_at) ||
      !member_int (object, "updated_at", 0, G_MAXINT64, &ticket->updated_at) ||
      !pd_ticket_state_from_string (member_string (object, "state"), &ticket->state))
    goto invalid;
  ticket->number = number;
  /* The label is derived: one that does not match would show another number than the
   * one the merge goes by. */
  label = g_strdup_printf ("%s%s-%03u", ticket->station, ticket->service, ticket->number);
  if (g_strcmp0 (label, ticket->label) != 0)
    goto invalid;
  counter = json_object_get_member (object, "counter");
  if (!JSON_NODE_HOLDS_NULL (counter))
    {
      const char *text = member_string (object, "counter");

      if (text == NULL || *text == '\0' || strlen (text) > PD_TICKET_MAX_COUNTER ||
          !g_utf8_validate (text, -1, NULL))
        goto invalid;
      ticket->counter = g_strdup (text);
    }
  if (ticket->state == PD_TICKET_CALLED && (ticket->counter == NULL || ticket->called_at == 0))
    goto invalid;
  return g_steal_pointer (&ticket);

invalid:
  g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID,
               _("A queue ticket is malformed. Update Passdesk on every station of the office."));
  return NULL;
}

JsonNode *
pd_appointment_to_json (const PdAppointment *appointment)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, appointment->id);
  json_builder_set_member_name (builder, "reference");
  json_builder_add_string_value (builder, appointment->reference);
  json_builder_set_member_name (builder, "service");
  json_builder_add_string_value (builder, appointment->service);
  json_builder_set_member_name (builder, "station");
  json_builder_add_string_value (builder, appointment->station);
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, appointment->date);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, appointment->from_time);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, appointment->to_time);
  json_builder_set_member_name (builder, "issued_at");
  json_builder_add_int_value (builder, appointment->issued_at);
  json_builder_set_member_name (builder, "reserved");
  json_builder_add_boolean_value (builder, appointment->reserved);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
pd_appointment_dup_reference_prefix (const char  *station,
                                     const char  *service,
                                     const GDate *date)
{
  return g_strdup_printf ("%s%s-H%02u%02u-", station, service, g_date_get_month (date), g_date_get_day (date));
}

PdAppointment *
pd_appointment_new (const char *id,
                    const char *station,
                    const char *service,
                    const char *date,
                    guint       slot,
                    gint64      number,
                    gint64      issued_at,
                    gboolean    reserved)
{
  PdAppointment *appointment = g_new0 (PdAppointment, 1);
  g_autofree char *prefix = NULL;
  GDate day;

  g_date_clear (&day, 1);
  pd_queue_parse_day (date, &day);
  prefix = pd_appointment_dup_reference_prefix (station, service, &day);
  appointment->id = id ? g_strdup (id) : g_uuid_string_random ();
  appointment->reference = g_strdup_printf ("%s%03" G_GINT64_FORMAT, prefix, number);
  appointment->service = g_strdup (service);
  appointment->station = g_strdup (station);
  appointment->date = g_strdup (date);
  appointment->from_time = g_strdup (slots[slot].from);
  appointment->to_time = g_strdup (slots[slot].to);
  appointment->issued_at = issued_at;
  appointment->reserved = reserved;
  return appointment;
}

static gboolean
is_slot (const char *from,
         const char *to)
{
  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    if (g_strcmp0 (from, slots[i].from) == 0 && g_strcmp0 (to, slots[i].to) == 0)
      return TRUE;
  return FALSE;
}

PdAppointment *
pd_appointment_from_json (JsonNode  *node,
                          GError   **error)
{
  static const char *const members[] = { "id", "reference", "service", "station", "date", "from",
                                         "to", "issued_at", "reserved" };
  g_autoptr(PdAppointment) appointment = g_new0 (PdAppointment, 1);
  g_autofree char *prefix = NULL;
  GDate date;
  JsonObject *object;
  JsonNode *reserved;
  guint64 number;

  if ((object = object_with_members (node, members, G_N_ELEMENTS (members))) == NULL)
    goto invalid;

  appointment->id = g_strdup (member_string (object, "id"));
  appointment->reference = g_strdup (member_string (object, "reference"));
  appointment->service = g_strdup (member_string (object, "service"));
  appointment->station = g_strdup (member_string (object, "station"));
  appointment->date = g_strdup (member_string (object, "date"));
  appointment->from_time = g_strdup (member_string (object, "from"));
  appointment->to_time = g_strdup (member_string (object, "to"));
  reserved = json_object_get_member (object, "reserved");
  g_date_clear (&date, 1);
  if (appointment->id == NULL || !g_uuid_string_is_valid (appointment->id) ||
      !pd_queue_is_letter (appointment->service) || !pd_queue_is_letter (appointment->station) ||
      !pd_queue_parse_day (appointment->date, &date) ||
      !is_slot (appointment->from_time, appointment->to_time) ||
      !member_int (object, "issued_at", 0, G_MAXINT64, &appointment->issued_at) ||
      !JSON_NODE_HOLDS_VALUE (reserved) || json_node_get_value_type (reserved) != G_TYPE_BOOLEAN)
    goto invalid;
  appointment->reserved = json_node_get_boolean (reserved);
  /* The reference says the station, service and date: one that does not match would send
   * the citizen to another day than the one booked. */
  prefix = pd_appointment_dup_reference_prefix (appointment->station, appointment->service, &date);
  if (appointment->reference == NULL || !g_str_has_prefix (appointment->reference, prefix) ||
      strlen (appointment->reference) != strlen (prefix) + 3 ||
      !g_ascii_string_to_unsigned (appointment->reference + strlen (prefix), 10, 1, 999, &number, NULL))
    goto invalid;
  return g_steal_pointer (&appointment);

invalid:
  g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID,
               _("An appointment is malformed. Update Passdesk on every station of the office."));
  return NULL;
}
