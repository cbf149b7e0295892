/* pd-central-queue.c: the office's shared queue, merged by ticket id. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pd-central-queue.h"
#include "pd-central-request.h"
#include "pd-queue.h"

typedef struct {
  PdTicket *ticket;
  char     *office_code;
  gint64    seq;          /* the change's place in the server's order: the pull cursor */
} Entry;

struct _PdCentralQueue
{
  char       *epoch;
  gint64      seq;
  GHashTable *entries;    /* ticket id -> Entry */
};

static void
entry_free (Entry *entry)
{
  pd_ticket_free (entry->ticket);
  g_free (entry->office_code);
  g_free (entry);
}

PdCentralQueue *
pd_central_queue_new (void)
{
  PdCentralQueue *self = g_new0 (PdCentralQueue, 1);

  self->epoch = g_uuid_string_random ();
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  return self;
}

void
pd_central_queue_free (PdCentralQueue *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->entries);
  g_free (self->epoch);
  g_free (self);
}

const char *
pd_central_queue_get_epoch (PdCentralQueue *self)
{
  return self->epoch;
}

static JsonNode *
fail (guint      *status,
      guint       code,
      const char *error_code,
      const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  *status = code;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, error_code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
fail_request (guint        *status,
              const GError *error)
{
  return fail (status, 400,
               g_error_matches (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_BAD_JSON)
                 ? "bad_json" : "bad_request",
               error->message);
}

/* Keeps @ticket (transfer full) if it is new or supersedes the version held. */
static void
store (PdCentralQueue *self,
       const char     *office_code,
       PdTicket       *ticket)
{
  Entry *entry = g_hash_table_lookup (self->entries, ticket->id);

  if (entry && (g_strcmp0 (entry->office_code, office_code) != 0 ||
                !pd_ticket_supersedes (ticket, entry->ticket)))
    {
      pd_ticket_free (ticket);
      return;
    }
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->office_code = g_strdup (office_code);
      entry->ticket = ticket;
      g_hash_table_insert (self->entries, ticket->id, entry);
    }
  else
    {
      /* The key is the old ticket's id: swap in place so it is never left dangling. */
      g_hash_table_steal (self->entries, ticket->id);
      pd_ticket_free (entry->ticket);
      entry->ticket = ticket;
      g_hash_table_insert (self->entries, ticket->id, entry);
    }
  entry->seq = ++self->seq;
}

/* A queue lives for a day: tickets of days before yesterday (the server's clock, with a day's
 * grace for clocks and time zones) are let go. */
static void
prune (PdCentralQueue *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, -2);
  g_autofree char *oldest = g_date_time_format (then, "%F");
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (strcmp (entry->ticket->day, oldest) <= 0)
      g_hash_table_iter_remove (&iter);
}

static JsonNode *
push (PdCentralQueue *self,
      const char     *office_code,
      const guint8   *body,
      gsize           length,
      guint          *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = pd_central_parse_object ((const char *) body, length, &error);
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_ticket_free);
  g_autoptr(JsonBuilder) builder = NULL;
  JsonNode *member;
  JsonArray *array;

  if (object == NULL)
    return fail_request (status, error);
  member = json_object_get_member (object, "tickets");
  if (json_object_get_size (object) != 1 || member == NULL || !JSON_NODE_HOLDS_ARRAY (member) ||
      json_array_get_length (array = json_node_get_array (member)) == 0 ||
      json_array_get_length (array) > PD_CENTRAL_QUEUE_MAX_PUSH)
    return fail (status, 400, "bad_request",
                 _("A queue push is {\"tickets\": [1 to 100 tickets]}. Update Passdesk."));

  /* All or nothing: a station sends what it made itself, so one bad ticket means a bug. */
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      PdTicket *ticket = pd_ticket_from_json (json_array_get_element (array, i), &error);

      if (ticket == NULL)
        return fail (status, 422, "bad_request", error->message);
      g_ptr_array_add (tickets, ticket);
    }
  prune (self);
  for (guint i = 0; i < tickets->len; i++)
    store (self, office_code, g_steal_pointer (&tickets->pdata[i]));

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "epoch");
  json_builder_add_string_value (builder, self->epoch);
  json_builder_set_member_name (builder, "received");
  json_builder_add_int_value (builder, json_array_get_length (array));
  json_builder_end_object (builder);
  *status = 200;
  return json_builder_get_root (builder);
}

static int
compare_seq (gconstpointer a,
             gconstpointer b)
{
  const Entry *x = *(Entry **) a;
  const Entry *y = *(Entry **) b;

  return (x->seq > y->seq) - (x->seq < y->seq);
}

static JsonNode *
pull (PdCentralQueue *self,
      const char     *office_code,
      const char     *query,
      guint          *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *cursor = NULL;
  GHashTableIter iter;
  Entry *entry;
  gint64 after;
  gint64 last;
  guint limit;
  guint n;

  if (!pd_central_page_parse (query, &after, &limit, &error))
    return fail_request (status, error);

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->seq > after && g_str_equal (entry->office_code, office_code))
      g_ptr_array_add (changed, entry);
  g_ptr_array_sort (changed, compare_seq);
  n = MIN (changed->len, limit);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "epoch");
  json_builder_add_string_value (builder, self->epoch);
  json_builder_set_member_name (builder, "tickets");
  json_builder_begin_array (builder);
  last = after;
  for (guint i = 0; i < n; i++)
    {
      entry = g_ptr_array_index (changed, i);
      json_builder_add_value (builder, pd_ticket_to_json (entry->ticket));
      last = entry->seq;
    }
  json_builder_end_array (builder);
  cursor = g_strdup_printf ("%" G_GINT64_FORMAT, last);
  json_builder_set_member_name (builder, "next_cursor");
  json_builder_add_string_value (builder, cursor);
  json_builder_set_member_name (builder, "more");
  json_builder_add_boolean_value (builder, changed->len > n);
  json_builder_end_object (builder);
  *status = 200;
  return json_builder_get_root (builder);
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static JsonNode *
call (PdCentralQueue *self,
      const char     *office_code,
      const guint8   *body,
      gsize           length,
      guint          *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = pd_central_parse_object ((const char *) body, length, &error);
  g_autoptr(JsonBuilder) builder = NULL;
  const char *counter = NULL;
  const char *day = NULL;
  const char *service = NULL;
  JsonNode *member;
  GHashTableIter iter;
  Entry *entry;
  Entry *next = NULL;
  guint expected = 2;

  if (object == NULL)
    return fail_request (status, error);
  if ((member = json_object_get_member (object, "counter")) && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_STRING)
    counter = json_node_get_string (member);
  if ((member = json_object_get_member (object, "day")) && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_STRING)
    day = json_node_get_string (member);
  if ((member = json_object_get_member (object, "service")))
    {
      expected++;
      if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
        service = json_node_get_string (member);
      else if (!JSON_NODE_HOLDS_NULL (member))
        expected = 0;
    }
  if (counter == NULL || *counter == '\0' || strlen (counter) > PD_TICKET_MAX_COUNTER || day == NULL || strlen (day) != 10 ||
      (service && (!g_ascii_isupper (service[0]) || service[1] != '\0')) ||
      json_object_get_size (object) != expected)
    return fail (status, 400, "bad_request",
                 _("A call is {\"counter\", \"day\", \"service\" (optional)}. Update Passdesk."));

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      PdTicket *ticket = entry->ticket;

      if (ticket->state != PD_TICKET_WAITING || !g_str_equal (ticket->day, day) ||
          !g_str_equal (entry->office_code, office_code) ||
          (service && !g_str_equal (ticket->service, service)))
        continue;
      /* A waiting ticket's updated_at is its issue in milliseconds: it orders those issued
       * within the same second. */
      if (next == NULL || ticket->issued_at < next->ticket->issued_at ||
          (ticket->issued_at == next->ticket->issued_at &&
           (ticket->updated_at < next->ticket->updated_at ||
            (ticket->updated_at == next->ticket->updated_at && strcmp (ticket->label, next->ticket->label) < 0))))
        next = entry;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ticket");
  if (next)
    {
      PdTicket *ticket = next->ticket;

      ticket->state = PD_TICKET_CALLED;
      g_free (ticket->counter);
      ticket->counter = g_strdup (counter);
      ticket->called_at = now_ms () / 1000;
      ticket->updated_at = MAX (now_ms (), ticket->updated_at + 1);
      next->seq = ++self->seq;
      json_builder_add_value (builder, pd_ticket_to_json (ticket));
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  *status = 200;
  return json_builder_get_root (builder);
}

JsonNode *
pd_central_queue_handle (PdCentralQueue      *self,
                         PdCentralQueueRoute  route,
                         const char          *office_code,
                         const char          *query,
                         const guint8        *body,
                         gsize                length,
                         guint               *status)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (office_code != NULL, NULL);

  switch (route)
    {
    case PD_CENTRAL_QUEUE_PULL:
      return pull (self, office_code, query, status);
    case PD_CENTRAL_QUEUE_PUSH:
      return push (self, office_code, body, length, status);
    case PD_CENTRAL_QUEUE_CALL:
      return call (self, office_code, body, length, status);
    default:
      g_return_val_if_reached (NULL);
    }
}
