/* pd-queue-ticket.c: queue tickets as values: states, JSON, the merge order. Apart from
 * pd-queue.c so that the central server links it without the store. */
#define G_LOG_DOMAIN "passdesk-queue"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "pd-queue.h"

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
  g_free (appointment);
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

static gboolean
is_letter (const char *text)
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
  static const char *members[] = { "id", "label", "day", "service", "station", "number",
                                   "issued_at", "state", "counter", "called_at", "updated_at" };
  g_autoptr(PdTicket) ticket = g_new0 (PdTicket, 1);
  g_autofree char *label = NULL;
  JsonObject *object;
  JsonNode *counter;
  gint64 number;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto invalid;
  object = json_node_get_object (node);
  if (json_object_get_size (object) != G_N_ELEMENTS (members))
    goto invalid;
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (!json_object_has_member (object, members[i]))
      goto invalid;

  ticket->id = g_strdup (member_string (object, "id"));
  ticket->day = g_strdup (member_string (object, "day"));
  ticket->service = g_strdup (member_string (object, "service"));
  ticket->station = g_strdup (member_string (object, "station"));
  ticket->label = g_strdup (member_string (object, "label"));
  if (ticket->id == NULL || !g_uuid_string_is_valid (ticket->id) ||
      !pd_queue_parse_day (ticket->day, NULL) || !is_letter (ticket->service) || !is_letter (ticket->station) ||
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
